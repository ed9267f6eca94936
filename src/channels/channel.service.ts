import { randomUUID } from 'node:crypto';
import { recordAudit, type AuditActor } from '../audit/audit.service.js';
import { inTransaction, type AppContext } from '../kernel/context.js';
import { Conflict } from '../kernel/errors.js';
import { findChannelBySlug, insertChannel, listChannels } from './channel.repository.js';

export async function createChannel(ctx: AppContext, actor: AuditActor, input: { slug: string; name: string }) {
  return inTransaction(ctx, async (tx) => {
    if (await findChannelBySlug(tx, input.slug)) throw new Conflict('channel_exists', 'A channel with this slug exists.');
    const now = ctx.clock.now();
    const id = randomUUID();
    await insertChannel(tx, { id, slug: input.slug, name: input.name, createdAt: now.toISOString() });
    await recordAudit(tx, ctx.dialect, now, { actor, action: 'channel.create', targetId: id, details: { slug: input.slug } });
    return { id, slug: input.slug, name: input.name };
  });
}

export function listAllChannels(ctx: AppContext) {
  return listChannels(ctx.db);
}
