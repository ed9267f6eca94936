/**
 * What an admin sets for a channel's clocks: the policies per category, the holiday list for
 * business days, and the escalation ladder. Each change is audited. Changes apply to cases that
 * arrive afterwards; clocks already running keep the deadlines they were given.
 */
import { recordAudit } from '../audit/audit.service.js';
import { findChannelBySlug } from '../channels/channel.repository.js';
import type { StaffPrincipal } from '../identity/identity.service.js';
import { inTransaction, type AppContext } from '../kernel/context.js';
import type { Queryable } from '../kernel/database.js';
import { ChannelNotFound, Forbidden, ValidationFailed } from '../kernel/errors.js';
import {
  findLadder,
  listChannelHolidays,
  listChannelPolicies,
  listUsersByIds,
  replaceChannelHolidays,
  replaceChannelPolicies,
  saveLadder,
  type StoredPolicy,
} from './clock.repository.js';
import { completePolicy, type CompleteClockPolicy } from './clock.rules.js';
import type { ClockPolicyInput } from './clock.schema.js';
import { parseLadder, type LadderRung } from './escalation.rules.js';

function requireAdmin(principal: StaffPrincipal): void {
  if (principal.role !== 'admin') throw new Forbidden('admin_only', 'Only an admin can change this.');
}

async function channelFor(db: Queryable, slug: string) {
  const channel = await findChannelBySlug(db, slug);
  if (!channel) throw new ChannelNotFound();
  return channel;
}

function present(policy: CompleteClockPolicy & { category?: string }) {
  return {
    category: policy.category ?? '*',
    acknowledgeDays: policy.acknowledgeDays,
    feedback: policy.feedbackDays !== null ? { days: policy.feedbackDays } : { months: policy.feedbackMonths },
    investigationDays: policy.investigationDays,
    idleDays: policy.idleDays,
    days: policy.dayKind,
  };
}

function toStored(input: ClockPolicyInput): StoredPolicy {
  return {
    category: input.category,
    acknowledgeDays: input.acknowledgeDays,
    feedbackMonths: 'months' in input.feedback ? input.feedback.months : 3,
    feedbackDays: 'days' in input.feedback ? input.feedback.days : null,
    investigationDays: input.investigationDays,
    idleDays: input.idleDays,
    dayKind: input.days,
  };
}

async function readPolicies(ctx: AppContext, db: Queryable, channel: { id: string; slug: string }) {
  const [policies, holidays] = await Promise.all([listChannelPolicies(db, channel.id), listChannelHolidays(db, channel.id)]);
  return { channel: channel.slug, defaults: present(completePolicy(ctx.config.clocks)), policies: policies.map(present), holidays };
}

export async function getChannelClockPolicies(ctx: AppContext, principal: StaffPrincipal, slug: string) {
  requireAdmin(principal);
  return readPolicies(ctx, ctx.db, await channelFor(ctx.db, slug));
}

/** Replaces the channel's policies with these (an empty list: the installation's defaults apply). */
export async function setChannelClockPolicies(ctx: AppContext, principal: StaffPrincipal, slug: string, policies: readonly ClockPolicyInput[]) {
  requireAdmin(principal);
  const at = ctx.clock.now();
  return inTransaction(ctx, async (tx) => {
    const channel = await channelFor(tx, slug);
    await replaceChannelPolicies(tx, channel.id, policies.map(toStored), at.toISOString());
    await recordAudit(tx, ctx.dialect, at, {
      actor: { type: 'staff', id: principal.userId },
      action: 'clock.policies.update',
      targetId: channel.id,
      details: { policies: policies.length, categories: policies.map((policy) => policy.category).join(',') },
    });
    return readPolicies(ctx, tx, channel);
  });
}

export async function setChannelHolidays(ctx: AppContext, principal: StaffPrincipal, slug: string, days: readonly string[]) {
  requireAdmin(principal);
  const unique = [...new Set(days)].sort();
  const at = ctx.clock.now();
  return inTransaction(ctx, async (tx) => {
    const channel = await channelFor(tx, slug);
    await replaceChannelHolidays(tx, channel.id, unique);
    await recordAudit(tx, ctx.dialect, at, { actor: { type: 'staff', id: principal.userId }, action: 'clock.holidays.update', targetId: channel.id, details: { holidays: unique.length } });
    return readPolicies(ctx, tx, channel);
  });
}

async function presentLadder(db: Queryable, channel: { id: string; slug: string }) {
  const stored = await findLadder(db, channel.id);
  const rungs = parseLadder(stored);
  const users = await listUsersByIds(db, rungs.flatMap((rung) => (rung.kind === 'users' ? rung.userIds : [])));
  const byId = new Map(users.map((user) => [user.id, user]));
  return {
    channel: channel.slug,
    configured: stored !== undefined,
    rungs: rungs.map((rung, index) => ({
      rung: index + 1,
      kind: rung.kind,
      users: rung.kind === 'users' ? rung.userIds.map((id) => ({ id, name: byId.get(id)?.name ?? '', role: byId.get(id)?.role ?? '' })) : [],
    })),
  };
}

export async function getChannelLadder(ctx: AppContext, principal: StaffPrincipal, slug: string) {
  requireAdmin(principal);
  return presentLadder(ctx.db, await channelFor(ctx.db, slug));
}

/**
 * Sets the rungs above the channel's handlers. People on a rung must be active handlers or
 * oversight members. They receive a standby key for cases that arrive from now on; cases already
 * received cannot reach someone newly added (they hold no key), and escalation passes them over.
 */
export async function setChannelLadder(ctx: AppContext, principal: StaffPrincipal, slug: string, input: readonly ({ users: string[] } | { oversight: true })[]) {
  requireAdmin(principal);
  const rungs: LadderRung[] = input.map((rung) => ('users' in rung ? { kind: 'users', userIds: [...new Set(rung.users)] } : { kind: 'oversight' }));
  const at = ctx.clock.now();
  return inTransaction(ctx, async (tx) => {
    const channel = await channelFor(tx, slug);
    const named = [...new Set(rungs.flatMap((rung) => (rung.kind === 'users' ? rung.userIds : [])))];
    const found = new Map((await listUsersByIds(tx, named)).map((user) => [user.id, user]));
    const problems: Record<string, string[]> = {};
    rungs.forEach((rung, index) => {
      if (rung.kind !== 'users') return;
      for (const id of rung.userIds) {
        const user = found.get(id);
        const problem = !user
          ? 'no such user'
          : user.disabled_at !== null
            ? 'this account is disabled'
            : user.role !== 'handler' && user.role !== 'oversight'
              ? 'only handlers and oversight members can take escalated cases'
              : null;
        if (problem) (problems[`rungs.${index}.users`] ??= []).push(`${id}: ${problem}`);
      }
    });
    if (Object.keys(problems).length > 0) throw new ValidationFailed(problems);
    await saveLadder(tx, channel.id, JSON.stringify(rungs), at.toISOString());
    await recordAudit(tx, ctx.dialect, at, {
      actor: { type: 'staff', id: principal.userId },
      action: 'escalation.ladder.update',
      targetId: channel.id,
      details: { rungs: rungs.length, people: named.length, oversight: rungs.some((rung) => rung.kind === 'oversight') },
    });
    return presentLadder(tx, channel);
  });
}

/**
 * The people named on a channel's ladder, with their public keys: intake gives each a standby
 * grant (key wrapped, not active). Oversight is not listed here: intake covers it already.
 */
export async function ladderStandbyUsers(db: Queryable, channelId: string): Promise<{ id: string; public_key: Buffer }[]> {
  const rungs = parseLadder(await findLadder(db, channelId));
  const ids = [...new Set(rungs.flatMap((rung) => (rung.kind === 'users' ? rung.userIds : [])))];
  const users = await listUsersByIds(db, ids);
  return users.filter((user) => user.disabled_at === null).map((user) => ({ id: user.id, public_key: user.public_key }));
}
