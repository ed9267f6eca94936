import type { Queryable } from '../kernel/database.js';

export function findChannelBySlug(db: Queryable, slug: string) {
  return db.selectFrom('channels').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export function findChannelById(db: Queryable, id: string) {
  return db.selectFrom('channels').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listChannels(db: Queryable) {
  return db.selectFrom('channels').selectAll().orderBy('slug').execute();
}

export async function insertChannel(db: Queryable, channel: { id: string; slug: string; name: string; createdAt: string; description?: string | null }) {
  await db
    .insertInto('channels')
    .values({ id: channel.id, slug: channel.slug, name: channel.name, created_at: channel.createdAt, description: channel.description ?? null })
    .execute();
}

export async function addChannelMember(db: Queryable, channelId: string, userId: string, createdAt: string) {
  await db
    .insertInto('channel_members')
    .values({ channel_id: channelId, user_id: userId, created_at: createdAt })
    .onConflict((oc) => oc.columns(['channel_id', 'user_id']).doNothing())
    .execute();
}

/** Active handlers who take this channel's reports, with their public keys. */
export function listChannelHandlers(db: Queryable, channelId: string) {
  return db
    .selectFrom('channel_members')
    .innerJoin('users', 'users.id', 'channel_members.user_id')
    .select(['users.id', 'users.public_key'])
    .where('channel_members.channel_id', '=', channelId)
    .where('users.role', '=', 'handler')
    .where('users.disabled_at', 'is', null)
    .orderBy('users.id')
    .execute();
}

export async function updateChannel(db: Queryable, id: string, changes: { name?: string; description?: string | null }): Promise<void> {
  if (changes.name === undefined && changes.description === undefined) return;
  await db.updateTable('channels').set(changes).where('id', '=', id).execute();
}

export async function writeSetting(db: Queryable, key: string, value: string | null): Promise<void> {
  if (value === null) {
    await db.deleteFrom('settings').where('key', '=', key).execute();
    return;
  }
  await db.insertInto('settings').values({ key, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
}
