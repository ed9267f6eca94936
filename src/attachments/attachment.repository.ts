import type { Queryable } from '../kernel/database.js';
import type { CaseAttachmentsTable } from '../kernel/db-schema.js';

export async function insertAttachments(db: Queryable, rows: CaseAttachmentsTable[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('case_attachments').values(rows).execute();
}

/** The bytes a case's attachments hold, as stored. */
export async function sumAttachmentBytes(db: Queryable, caseId: string): Promise<number> {
  const row = await db
    .selectFrom('case_attachments')
    .select((eb) => eb.fn.sum<number | string | null>('size_bytes').as('total'))
    .where('case_id', '=', caseId)
    .executeTakeFirst();
  // PostgreSQL answers sum(bigint) as numeric, which arrives as text.
  return Number(row?.total ?? 0);
}

export function findAttachment(db: Queryable, caseId: string, attachmentId: string) {
  return db.selectFrom('case_attachments').selectAll().where('case_id', '=', caseId).where('id', '=', attachmentId).executeTakeFirst();
}

export function listAttachments(db: Queryable, caseId: string) {
  return db.selectFrom('case_attachments').selectAll().where('case_id', '=', caseId).orderBy('created_at').orderBy('id').execute();
}
