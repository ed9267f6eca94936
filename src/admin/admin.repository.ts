import type { Queryable } from '../kernel/database.js';

/** Every channel membership with the channel's slug, for the user list. */
export function listMemberships(db: Queryable) {
  return db
    .selectFrom('channel_members')
    .innerJoin('channels', 'channels.id', 'channel_members.channel_id')
    .select(['channel_members.user_id', 'channels.slug'])
    .orderBy('channels.slug')
    .execute();
}

/** Makes this person a member of exactly these channels. */
export async function replaceMemberships(db: Queryable, userId: string, channelIds: readonly string[], at: string): Promise<void> {
  let removal = db.deleteFrom('channel_members').where('user_id', '=', userId);
  if (channelIds.length > 0) removal = removal.where('channel_id', 'not in', channelIds);
  await removal.execute();
  for (const channelId of channelIds) {
    await db
      .insertInto('channel_members')
      .values({ channel_id: channelId, user_id: userId, created_at: at })
      .onConflict((oc) => oc.columns(['channel_id', 'user_id']).doNothing())
      .execute();
  }
}

export function listChannelSlugs(db: Queryable) {
  return db.selectFrom('channels').select(['id', 'slug']).execute();
}
