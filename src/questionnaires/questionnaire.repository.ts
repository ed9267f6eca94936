import type { Queryable } from '../kernel/database.js';

export function findLatestQuestionnaire(db: Queryable, channelId: string) {
  return db.selectFrom('questionnaires').selectAll().where('channel_id', '=', channelId).orderBy('version', 'desc').limit(1).executeTakeFirst();
}

export function findQuestionnaireVersion(db: Queryable, channelId: string, version: number) {
  return db.selectFrom('questionnaires').selectAll().where('channel_id', '=', channelId).where('version', '=', version).executeTakeFirst();
}

export async function insertQuestionnaire(
  db: Queryable,
  row: { channelId: string; version: number; definition: string; createdAt: string; createdBy: string | null },
): Promise<void> {
  await db
    .insertInto('questionnaires')
    .values({ channel_id: row.channelId, version: row.version, definition: row.definition, created_at: row.createdAt, created_by: row.createdBy })
    .execute();
}
