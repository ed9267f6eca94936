/**
 * The reporter's side of escrow: lodge an entry and get a receipt; come back with it to see
 * whether a match happened, add identifiers, consent to a report, turn the entry into a report,
 * or withdraw it. Every step is audited against the entry, never against a person.
 */
import { randomUUID } from 'node:crypto';
import { recordAudit } from '../audit/audit.service.js';
import { SubmitReportBody, type REPORT_CATEGORIES } from '../intake/intake.schema.js';
import { prepareCase, submitReport } from '../intake/intake.service.js';
import { inTransaction, type AppContext } from '../kernel/context.js';
import {
  formatReceipt,
  generateEntryKey,
  generateReceipt,
  normalizeReceipt,
  unwrapEntryKeyWithReceipt,
  wrapEntryKeyForReceipt,
  type EntryKey,
} from '../kernel/crypto.js';
import { Conflict, Unauthenticated, ValidationFailed } from '../kernel/errors.js';
import { candidateReceiptSecrets, secretsForNewReceipt } from '../reporter/receipt.service.js';
import type { ReceiptThrottle } from '../reporter/receipt.throttle.js';
import { openCaseReceipt, openEntry, sealEntry, type EntryContent } from './escrow.content.js';
import { escrowRuntime, type EscrowRuntime } from './escrow.key.js';
import { ESCROW_REPORTER, fileIdentifiers, settleTag } from './escrow.matching.js';
import {
  deleteEntry,
  findCaseRef,
  findEntry,
  findEntryByReceiptLookup,
  insertEntry,
  insertTags,
  isEntryMatched,
  linkEntryToCase,
  listEntryTags,
  setEntryConsent,
  updateEntryContent,
} from './escrow.repository.js';
import type { LodgeEntry, TypedIdentifier } from './escrow.schema.js';
import { endEscrowSession, startEscrowSession, type EscrowPrincipal } from './escrow.session.js';
import type { LodgingThrottle } from './escrow.throttle.js';
import { normalizeIdentifier, phoneRegion, type NormalizedIdentifier } from './identifier.rules.js';

/** How many identifiers one entry may name (all of one person). */
export const MAX_IDENTIFIERS = 10;

const badReceipt = () => new Unauthenticated('bad_receipt', 'That receipt does not match an entry. Check the digits and try again.');
const gone = () => new Unauthenticated('entry_withdrawn', 'This entry no longer exists.');

/** The canonical forms of what was typed, or ValidationFailed naming each one that cannot be read. */
export function canonicalIdentifiers(ctx: AppContext, identifiers: readonly TypedIdentifier[]): NormalizedIdentifier[] {
  const fields: Record<string, string[]> = {};
  const canonical: NormalizedIdentifier[] = [];
  identifiers.forEach((identifier, index) => {
    const outcome = normalizeIdentifier(identifier.kind, identifier.value, { phoneRegion: phoneRegion(ctx.config.escrow.phoneRegion) });
    if (outcome.ok) canonical.push(outcome.identifier);
    else fields[`identifiers.${index}.value`] = [outcome.problem];
  });
  if (Object.keys(fields).length > 0) throw new ValidationFailed(fields, 'Some identifiers cannot be read.');
  if (canonical.length === 0) throw new ValidationFailed({ identifiers: ['empty'] }, 'Name the person with at least one identifier.');
  return canonical;
}

export interface PreparedEntry {
  entryId: string;
  entryKey: EntryKey;
  /** From the receipt's one Argon2id run. */
  receiptLookup: Buffer;
  reporterWrappedKey: Buffer;
  content: EntryContent;
  identifiers: NormalizedIdentifier[];
}

/**
 * Everything after the receipt's Argon2id: tags, shares and wrapped keys, the rows, matching and
 * the audit entry, in one transaction. Returns whether any tag of the entry is now a match.
 */
export async function storeEntry(ctx: AppContext, runtime: EscrowRuntime, prepared: PreparedEntry): Promise<boolean> {
  const now = ctx.clock.now();
  const at = now.toISOString();
  const { entryId, entryKey } = prepared;
  const tags = fileIdentifiers(runtime, entryId, entryKey, prepared.identifiers, at);
  return inTransaction(ctx, async (tx) => {
    await insertEntry(tx, {
      id: entryId,
      receipt_lookup: prepared.receiptLookup,
      reporter_wrapped_key: prepared.reporterWrappedKey,
      content_sealed: sealEntry(entryKey, entryId, prepared.content),
      consent_to_case: 0,
      case_id: null,
      case_receipt_sealed: null,
      notified_at: null,
      created_at: at,
    });
    await insertTags(tx, tags);
    await recordAudit(tx, ctx.dialect, now, { actor: ESCROW_REPORTER, action: 'escrow.lodge', targetId: entryId, details: { identifiers: tags.length } });
    let matched = false;
    for (const row of tags) matched = (await settleTag(ctx, tx, runtime, row.tag, now)) || matched;
    return matched;
  });
}

export class AlreadyHeld extends Conflict {
  constructor() {
    super('already_held', 'This entry is held already; its receipt was shown when it was sent.');
  }
}

export interface LodgeOptions {
  throttle?: { limiter: LodgingThrottle; key: string };
  /**
   * The entry's id, chosen by the form it came from (a signed, one-time id): the same form sent
   * twice (a reload of the receipt page) must not hold two entries, which would match each other.
   */
  entryId?: string;
}

/** Lodges an entry: one receipt, one Argon2id run, and the entry sealed under a fresh key. */
export async function lodgeEntry(ctx: AppContext, input: LodgeEntry, options: LodgeOptions = {}) {
  const { throttle } = options;
  throttle?.limiter.check(throttle.key);
  const runtime = await escrowRuntime(ctx);
  const identifiers = canonicalIdentifiers(ctx, input.identifiers);
  const entryId = options.entryId ?? randomUUID();
  if (options.entryId && (await findEntry(ctx.db, entryId))) throw new AlreadyHeld();
  const entryKey = generateEntryKey();
  const receipt = generateReceipt();
  const secrets = await secretsForNewReceipt(ctx, receipt);
  const content: EntryContent = {
    account: input.account,
    identifiers: input.identifiers.filter((identifier) => identifier.value.trim() !== '').map((identifier) => ({ kind: identifier.kind, value: identifier.value.trim() })),
    contactEmail: input.contactEmail ?? null,
  };
  await storeEntry(ctx, runtime, {
    entryId,
    entryKey,
    receiptLookup: secrets.lookup,
    reporterWrappedKey: wrapEntryKeyForReceipt(entryKey, secrets.kek, entryId),
    content,
    identifiers,
  });
  throttle?.limiter.record(throttle.key);
  ctx.logger.info({ op: 'escrow.lodge', entryId }, 'escrow entry lodged');
  return { entryId, entryKey, receipt: formatReceipt(receipt) };
}

/** Signs in with an entry's receipt (throttled together with report follow-ups). */
export async function signInToEntry(ctx: AppContext, receiptInput: string, throttle?: { limiter: ReceiptThrottle; key: string }) {
  throttle?.limiter.check(throttle.key);
  const receipt = normalizeReceipt(receiptInput);
  let found: { entryId: string; entryKey: EntryKey } | undefined;
  if (receipt) {
    for await (const secrets of candidateReceiptSecrets(ctx, receipt)) {
      const row = await findEntryByReceiptLookup(ctx.db, secrets.lookup);
      if (row) {
        found = { entryId: row.id, entryKey: unwrapEntryKeyWithReceipt(row.reporter_wrapped_key, secrets.kek, row.id) };
        break;
      }
    }
  }
  if (!found) {
    throttle?.limiter.recordFailure(throttle.key);
    throw badReceipt();
  }
  throttle?.limiter.recordSuccess(throttle.key);
  const { entryId, entryKey } = found;
  return inTransaction(ctx, async (tx) => {
    const session = await startEscrowSession(ctx, tx, entryId, entryKey);
    await recordAudit(tx, ctx.dialect, ctx.clock.now(), { actor: ESCROW_REPORTER, action: 'escrow.sign_in', targetId: entryId });
    return session;
  });
}

export async function signOutOfEntry(ctx: AppContext, cookieValue: string | undefined): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const entryId = await endEscrowSession(tx, cookieValue);
    if (entryId) await recordAudit(tx, ctx.dialect, ctx.clock.now(), { actor: ESCROW_REPORTER, action: 'escrow.sign_out', targetId: entryId });
  });
}

export interface EntryView extends EntryContent {
  lodgedAt: string;
  matched: boolean;
  consentToCase: boolean;
  /** The report made from this entry, if any. */
  caseRef: string | null;
  /** The receipt of a report a counselor opened with the reporter's consent. */
  caseReceipt: string | null;
}

/** What the reporter sees on a return visit. Audited like any read. */
export async function getEntry(ctx: AppContext, principal: EscrowPrincipal): Promise<EntryView> {
  const { entryId, entryKey } = principal;
  const loaded = await inTransaction(ctx, async (tx) => {
    const entry = await findEntry(tx, entryId);
    if (!entry) throw gone();
    const matched = await isEntryMatched(tx, entryId);
    const caseRef = entry.case_id ? ((await findCaseRef(tx, entry.case_id))?.ref ?? null) : null;
    await recordAudit(tx, ctx.dialect, ctx.clock.now(), { actor: ESCROW_REPORTER, action: 'escrow.entry.read', targetId: entryId });
    return { entry, matched, caseRef };
  });
  const { entry } = loaded;
  return {
    ...openEntry(entryKey, entryId, entry.content_sealed),
    lodgedAt: entry.created_at,
    matched: loaded.matched,
    consentToCase: entry.consent_to_case === 1,
    caseRef: loaded.caseRef,
    caseReceipt: entry.case_receipt_sealed ? formatReceipt(openCaseReceipt(entryKey, entryId, entry.case_receipt_sealed)) : null,
  };
}

/** The reporter's say on whether counselors may open a report from a match. */
export async function setConsent(ctx: AppContext, principal: EscrowPrincipal, consent: boolean): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    if (!(await findEntry(tx, principal.entryId))) throw gone();
    await setEntryConsent(tx, principal.entryId, consent);
    await recordAudit(tx, ctx.dialect, ctx.clock.now(), { actor: ESCROW_REPORTER, action: 'escrow.consent', targetId: principal.entryId, details: { consent } });
  });
}

/**
 * Names the same person in more ways (a phone number learnt later, say). An identifier the entry
 * already holds is not filed again: the same receipt never counts twice towards a match.
 */
export async function addIdentifiers(ctx: AppContext, principal: EscrowPrincipal, identifiers: readonly TypedIdentifier[]): Promise<{ added: number; matched: boolean }> {
  const { entryId, entryKey } = principal;
  const runtime = await escrowRuntime(ctx);
  const canonical = canonicalIdentifiers(ctx, identifiers);
  const now = ctx.clock.now();
  return inTransaction(ctx, async (tx) => {
    const entry = await findEntry(tx, entryId);
    if (!entry) throw gone();
    const content = openEntry(entryKey, entryId, entry.content_sealed);
    const held = new Set((await listEntryTags(tx, entryId)).map((tag) => tag.toString('hex')));
    const fresh = fileIdentifiers(runtime, entryId, entryKey, canonical, now.toISOString()).filter((row) => !held.has(row.tag.toString('hex')));
    const typed = identifiers
      .filter((identifier) => identifier.value.trim() !== '')
      .map((identifier) => ({ kind: identifier.kind, value: identifier.value.trim() }))
      .filter((identifier) => !content.identifiers.some((known) => known.kind === identifier.kind && known.value === identifier.value));
    const room = MAX_IDENTIFIERS - content.identifiers.length;
    if (typed.length > room) throw new ValidationFailed({ identifiers: ['too_many'] }, `An entry can name a person in at most ${MAX_IDENTIFIERS} ways.`);
    await updateEntryContent(tx, entryId, sealEntry(entryKey, entryId, { ...content, identifiers: [...content.identifiers, ...typed] }));
    await insertTags(tx, fresh);
    await recordAudit(tx, ctx.dialect, now, { actor: ESCROW_REPORTER, action: 'escrow.identifiers.add', targetId: entryId, details: { added: fresh.length } });
    let matched = false;
    for (const row of fresh) matched = (await settleTag(ctx, tx, runtime, row.tag, now)) || matched;
    return { added: fresh.length, matched };
  });
}

/**
 * Withdraws the entry by destroying it: its content and every wrapped copy of its key (the
 * reporter's, the tag's, the counselors', the sessions') are deleted. A report made from it stays.
 */
export async function withdrawEntry(ctx: AppContext, principal: EscrowPrincipal): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    if (!(await findEntry(tx, principal.entryId))) throw gone();
    await deleteEntry(tx, principal.entryId);
    await recordAudit(tx, ctx.dialect, ctx.clock.now(), { actor: ESCROW_REPORTER, action: 'escrow.withdraw', targetId: principal.entryId });
  });
  ctx.logger.info({ op: 'escrow.withdraw', entryId: principal.entryId }, 'escrow entry withdrawn');
}

export type ReportCategory = (typeof REPORT_CATEGORIES)[number];

/** The report an entry becomes: its account, the people it names, anonymous. */
export function reportFromContent(content: EntryContent, category: ReportCategory) {
  return SubmitReportBody.parse({
    category,
    narrative: content.account,
    anonymity: 'anonymous',
    subjects: content.identifiers.slice(0, 20).map((identifier) => ({ name: identifier.value.slice(0, 200) })),
  });
}

/** Turns the entry into a full report; the reporter gets that report's receipt. The entry stays held. */
export async function reportEntry(ctx: AppContext, principal: EscrowPrincipal, category: ReportCategory) {
  const { entryId, entryKey } = principal;
  const entry = await findEntry(ctx.db, entryId);
  if (!entry) throw gone();
  if (entry.case_id) throw new Conflict('already_reported', 'This entry has already been made into a report.');
  const prepared = prepareCase();
  const result = await submitReport(ctx, reportFromContent(openEntry(entryKey, entryId, entry.content_sealed), category), {
    prepared,
    alsoInTransaction: async (tx) => {
      if (!(await linkEntryToCase(tx, entryId, prepared.caseId))) throw new Conflict('already_reported', 'This entry has already been made into a report.');
      await recordAudit(tx, ctx.dialect, ctx.clock.now(), { actor: ESCROW_REPORTER, action: 'escrow.report', caseId: prepared.caseId, targetId: entryId });
    },
  });
  // The case key comes back so that the portal can take the reporter straight to their new report.
  return { ...result, caseId: prepared.caseId, caseKey: prepared.caseKey };
}
