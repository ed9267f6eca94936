/**
 * The counselors' side of escrow: the matches, the matched entries (decrypted with the counselor's
 * own key, audited in the same transaction), and reports opened from a match with each reporter's
 * consent. Only the `counselor` role may do any of it.
 */
import { recordAudit } from '../audit/audit.service.js';
import { prepareCase, submitReport } from '../intake/intake.service.js';
import type { StaffPrincipal } from '../identity/identity.service.js';
import { inTransaction, type AppContext } from '../kernel/context.js';
import { unwrapEntryKeyForUser, type EntryKey } from '../kernel/crypto.js';
import type { Tx } from '../kernel/database.js';
import { Conflict, Forbidden, NotFound } from '../kernel/errors.js';
import { openEntry, sealCaseReceipt } from './escrow.content.js';
import { escrowRuntime } from './escrow.key.js';
import { entryKeysForTag, grantEntryKeys } from './escrow.matching.js';
import { findCaseRef, findMatchedPool, linkEntryToCase, listMatchedPools, listPoolEntries, storeCaseReceipt } from './escrow.repository.js';
import { reportFromContent, type ReportCategory } from './escrow.service.js';

export class EscrowMatchNotFound extends NotFound {
  constructor() {
    super('escrow_match_not_found', 'No such match.');
  }
}

/** The one access rule of escrow: matches are for counselors. */
function assertCounselor(principal: StaffPrincipal): void {
  if (principal.role !== 'counselor') throw new Forbidden('not_counselor', 'Only counselors can see escrow matches.');
}

/** The matches, newest first. Metadata only: nothing is opened. */
export async function listMatches(ctx: AppContext, principal: StaffPrincipal) {
  assertCounselor(principal);
  const rows = await inTransaction(ctx, async (tx) => {
    const pools = await listMatchedPools(tx, 200);
    await recordAudit(tx, ctx.dialect, ctx.clock.now(), { actor: { type: 'staff', id: principal.userId }, action: 'escrow.match.list', details: { count: pools.length } });
    return pools;
  });
  return {
    items: rows.map((row) => ({
      id: row.id,
      matchedAt: row.matched_at!,
      entries: Number(row.entries),
      consenting: Number(row.consenting ?? 0),
      reported: Number(row.reported),
    })),
  };
}

type PoolEntry = Awaited<ReturnType<typeof listPoolEntries>>[number];

/**
 * The entry keys of a match this counselor can open. A counselor who joined after the match holds
 * no wrapped keys yet: the keys are then recovered from the pool's shares (this needs the escrow
 * key) and wrapped to them, and that grant is audited.
 */
async function openableKeys(ctx: AppContext, tx: Tx, principal: StaffPrincipal, tag: Buffer, entries: PoolEntry[]): Promise<Map<string, EntryKey>> {
  const keys = new Map<string, EntryKey>();
  for (const entry of entries) if (entry.wrapped_key) keys.set(entry.id, unwrapEntryKeyForUser(entry.wrapped_key, principal.privateKey, entry.id));
  if (keys.size === entries.length) return keys;
  const recovered = await entryKeysForTag(tx, await escrowRuntime(ctx), tag);
  if (!recovered) return keys;
  const user = await tx.selectFrom('users').select(['id', 'public_key']).where('id', '=', principal.userId).executeTakeFirstOrThrow();
  const missing = new Map([...recovered].filter(([entryId]) => !keys.has(entryId) && entries.some((entry) => entry.id === entryId)));
  const granted = await grantEntryKeys(tx, missing, [user], ctx.clock.now().toISOString());
  await recordAudit(tx, ctx.dialect, ctx.clock.now(), { actor: { type: 'staff', id: principal.userId }, action: 'escrow.access.grant', details: { entries: granted } });
  for (const [entryId, key] of missing) keys.set(entryId, key);
  return keys;
}

async function loadMatch(ctx: AppContext, tx: Tx, principal: StaffPrincipal, matchId: string) {
  const pool = await findMatchedPool(tx, matchId);
  if (!pool) throw new EscrowMatchNotFound();
  const entries = await listPoolEntries(tx, pool.tag, principal.userId);
  const keys = await openableKeys(ctx, tx, principal, pool.tag, entries);
  return { pool, entries, keys };
}

/** One match with its entries opened. The read is audited in the transaction that loads it. */
export async function getMatch(ctx: AppContext, principal: StaffPrincipal, matchId: string) {
  assertCounselor(principal);
  const loaded = await inTransaction(ctx, async (tx) => {
    const match = await loadMatch(ctx, tx, principal, matchId);
    const caseRefs = new Map<string, string>();
    for (const entry of match.entries) if (entry.case_id) caseRefs.set(entry.id, (await findCaseRef(tx, entry.case_id))?.ref ?? '');
    await recordAudit(tx, ctx.dialect, ctx.clock.now(), {
      actor: { type: 'staff', id: principal.userId },
      action: 'escrow.match.read',
      targetId: matchId,
      details: { entries: match.keys.size, withheld: match.entries.length - match.keys.size },
    });
    return { ...match, caseRefs };
  });
  const { pool, entries, keys, caseRefs } = loaded;
  return {
    id: pool.id,
    matchedAt: pool.matched_at!,
    entries: entries
      .filter((entry) => keys.has(entry.id))
      .map((entry) => {
        const content = openEntry(keys.get(entry.id)!, entry.id, entry.content_sealed);
        return {
          id: entry.id,
          lodgedAt: entry.created_at,
          account: content.account,
          identifiers: content.identifiers,
          consentToCase: entry.consent_to_case === 1,
          caseRef: caseRefs.get(entry.id) || null,
        };
      }),
    withheld: entries.length - keys.size,
  };
}

/**
 * Opens a report from each entry of the match whose reporter has agreed and that is not a report
 * yet. Each report is anonymous, carries the entry's account, and its receipt is sealed into the
 * entry for the reporter to read on their next visit.
 */
export async function openCasesFromMatch(ctx: AppContext, principal: StaffPrincipal, matchId: string, category: ReportCategory = 'other') {
  assertCounselor(principal);
  const { entries, keys } = await inTransaction(ctx, (tx) => loadMatch(ctx, tx, principal, matchId));
  const consenting = entries.filter((entry) => entry.consent_to_case === 1 && entry.case_id === null && keys.has(entry.id));
  const awaitingConsent = entries.filter((entry) => entry.consent_to_case !== 1 && entry.case_id === null).length;
  if (consenting.length === 0) throw new Conflict('no_consent', 'No reporter of this match has agreed to a report yet.');
  const opened: { entryId: string; caseRef: string }[] = [];
  for (const entry of consenting) {
    const entryKey = keys.get(entry.id)!;
    const prepared = prepareCase();
    const result = await submitReport(ctx, reportFromContent(openEntry(entryKey, entry.id, entry.content_sealed), category), {
      prepared,
      alsoInTransaction: async (tx) => {
        const consent = await tx.selectFrom('escrow_entries').select('consent_to_case').where('id', '=', entry.id).executeTakeFirst();
        if (consent?.consent_to_case !== 1 || !(await linkEntryToCase(tx, entry.id, prepared.caseId))) {
          throw new Conflict('no_consent', 'A reporter withdrew their agreement or their entry meanwhile.');
        }
        await recordAudit(tx, ctx.dialect, ctx.clock.now(), { actor: { type: 'staff', id: principal.userId }, action: 'escrow.case.open', caseId: prepared.caseId, targetId: entry.id, details: { matchId } });
      },
    });
    // A second step (submitReport makes the receipt inside its own transaction): should it fail, the
    // report exists and is linked, and its reporter learns of it on their next visit, without the receipt.
    await storeCaseReceipt(ctx.db, entry.id, sealCaseReceipt(entryKey, entry.id, result.receipt.replace(/ /g, '')));
    opened.push({ entryId: entry.id, caseRef: result.caseRef });
  }
  return { opened, awaitingConsent };
}
