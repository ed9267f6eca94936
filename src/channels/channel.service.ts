import { randomUUID } from 'node:crypto';
import { recordAudit, type AuditActor } from '../audit/audit.service.js';
import type { StaffPrincipal } from '../identity/identity.service.js';
import { inTransaction, type AppContext } from '../kernel/context.js';
import { ChannelNotFound, Conflict, Forbidden } from '../kernel/errors.js';
import type { LocalizedText } from '../questionnaires/questionnaire.schema.js';
import { findChannelBySlug, insertChannel, listChannels, updateChannel, writeSetting } from './channel.repository.js';

function requireAdmin(principal: StaffPrincipal): void {
  if (principal.role !== 'admin') throw new Forbidden('admin_only', 'Only an admin can change this.');
}

const present = (row: { id: string; slug: string; name: string; description: string | null }) => ({
  id: row.id,
  slug: row.slug,
  name: row.name,
  description: row.description ? (JSON.parse(row.description) as LocalizedText) : null,
});

export async function createChannel(ctx: AppContext, actor: AuditActor, input: { slug: string; name: string; description?: LocalizedText }) {
  return inTransaction(ctx, async (tx) => {
    if (await findChannelBySlug(tx, input.slug)) throw new Conflict('channel_exists', 'A channel with this slug exists.');
    const now = ctx.clock.now();
    const id = randomUUID();
    const description = input.description ? JSON.stringify(input.description) : null;
    await insertChannel(tx, { id, slug: input.slug, name: input.name, createdAt: now.toISOString(), description });
    await recordAudit(tx, ctx.dialect, now, { actor, action: 'channel.create', targetId: id, details: { slug: input.slug } });
    return present({ id, slug: input.slug, name: input.name, description });
  });
}

export async function listAllChannels(ctx: AppContext) {
  return (await listChannels(ctx.db)).map(present);
}

export async function createChannelAsAdmin(ctx: AppContext, principal: StaffPrincipal, input: { slug: string; name: string; description?: LocalizedText }) {
  requireAdmin(principal);
  return createChannel(ctx, { type: 'staff', id: principal.userId }, input);
}

export async function updateChannelAsAdmin(ctx: AppContext, principal: StaffPrincipal, slug: string, changes: { name?: string; description?: LocalizedText | null; standardOfProof?: string | null }) {
  requireAdmin(principal);
  return inTransaction(ctx, async (tx) => {
    const channel = await findChannelBySlug(tx, slug);
    if (!channel) throw new ChannelNotFound();
    const description = changes.description === undefined ? undefined : changes.description === null ? null : JSON.stringify(changes.description);
    await updateChannel(tx, channel.id, { name: changes.name, description });
    if (changes.standardOfProof !== undefined) await tx.updateTable('channels').set({ standard_of_proof: changes.standardOfProof }).where('id', '=', channel.id).execute();
    await recordAudit(tx, ctx.dialect, ctx.clock.now(), {
      actor: { type: 'staff', id: principal.userId },
      action: 'channel.update',
      targetId: channel.id,
      ...(changes.standardOfProof !== undefined ? { details: { standardOfProof: changes.standardOfProof } } : {}),
    });
    const standardOfProof = changes.standardOfProof === undefined ? (channel.standard_of_proof ?? null) : changes.standardOfProof;
    return { ...present({ ...channel, name: changes.name ?? channel.name, description: description === undefined ? channel.description : description }), standardOfProof };
  });
}

/** Support resources shown on the portal; null restores the built-in text. */
export async function setSupportResources(ctx: AppContext, principal: StaffPrincipal, text: LocalizedText | null) {
  requireAdmin(principal);
  await inTransaction(ctx, async (tx) => {
    await writeSetting(tx, 'portal_support_resources', text === null ? null : JSON.stringify(text));
    await recordAudit(tx, ctx.dialect, ctx.clock.now(), { actor: { type: 'staff', id: principal.userId }, action: 'portal.support_resources.update' });
  });
}
