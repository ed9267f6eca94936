/**
 * HR events from the HR system (API or CSV import). An adverse event for a protected person is
 * flagged and opens a retaliation review for oversight in the same transaction; any other event
 * is only recorded. The answer to the HR system says whether clearance is required, as the
 * pre-action check would have, and nothing about why.
 */
import { randomUUID } from 'node:crypto';
import { recordAudit, type AuditActor } from '../audit/audit.service.js';
import { findEmployee } from '../directory/directory.repository.js';
import { tokenActor, type HrSystemPrincipal } from '../identity/api-token.service.js';
import { inTransaction, type AppContext } from '../kernel/context.js';
import { CsvError, parseCsvRecords } from '../kernel/csv.js';
import type { HrEventType } from '../kernel/db-schema.js';
import { ValidationFailed } from '../kernel/errors.js';
import { findHrEventBySourceRef, insertHrEvent } from './protection.repository.js';
import { activeProtections } from './protection.service.js';
import { openReview, prepareReview } from './review.service.js';

export const HR_EVENT_TYPES = ['termination', 'demotion', 'pay_cut', 'transfer', 'negative_review', 'disciplinary_action', 'non_renewal'] as const satisfies readonly HrEventType[];

export interface HrEventInput {
  employeeId: string;
  type: HrEventType;
  effectiveAt?: string;
  /** The HR system's own id of the event: a second delivery returns the first answer. */
  eventId?: string;
}

export async function recordHrEvent(ctx: AppContext, actor: AuditActor, tokenId: string | null, input: HrEventInput) {
  const sourceRef = input.eventId ? `${tokenId ?? 'cli'}:${input.eventId}` : null;
  if (sourceRef) {
    const earlier = await findHrEventBySourceRef(ctx.db, sourceRef);
    if (earlier) return { id: earlier.id, clearanceRequired: earlier.status !== 'recorded', duplicate: true };
  }
  const at = ctx.clock.now();
  const links = await activeProtections(ctx.db, ctx, input.employeeId, at);
  const prepared = links.length > 0 ? await prepareReview(ctx, links, at) : null;
  const employee = prepared ? await findEmployee(ctx.db, input.employeeId) : undefined;
  const id = randomUUID();
  await inTransaction(ctx, async (tx) => {
    await insertHrEvent(tx, {
      id,
      source_ref: sourceRef,
      employee_id: input.employeeId,
      type: input.type,
      effective_at: input.effectiveAt ?? null,
      token_id: tokenId,
      status: prepared ? 'flagged' : 'recorded',
      review_case_id: null,
      decided_at: null,
      decided_by: null,
      received_at: at.toISOString(),
    });
    if (prepared) {
      // The review is opened before the event points to it (the foreign key needs the case first).
      const reviewId = await openReview(tx, ctx, prepared, { hrEventId: id, employeeId: input.employeeId, employeeName: employee?.name ?? null, type: input.type, effectiveAt: input.effectiveAt ?? null, links }, at);
      await tx.updateTable('hr_events').set({ review_case_id: reviewId }).where('id', '=', id).execute();
    }
    await recordAudit(tx, ctx.dialect, at, { actor, action: 'hr.event', targetId: id, details: { type: input.type } });
  });
  ctx.logger.info({ hrEventId: id, op: 'hr.event' }, 'HR event recorded');
  return { id, clearanceRequired: prepared !== null, duplicate: false };
}

export function recordHrEventFromSystem(ctx: AppContext, principal: HrSystemPrincipal, input: HrEventInput) {
  return recordHrEvent(ctx, tokenActor(principal), principal.tokenId, input);
}

/** `candor hr-events import FILE`: columns employee_id, type[, effective_at, event_id]. */
export function readHrEventsCsv(text: string): HrEventInput[] {
  let parsed;
  try {
    parsed = parseCsvRecords(text);
  } catch (error) {
    if (error instanceof CsvError) throw new ValidationFailed({ file: [error.message] }, 'The file is not valid CSV.');
    throw error;
  }
  const col = (...names: string[]) => names.find((name) => parsed.header.includes(name));
  const idCol = col('employee_id', 'employeeid', 'employee id', 'id');
  const typeCol = col('type', 'event', 'event_type');
  if (!idCol || !typeCol) throw new ValidationFailed({ file: ['the header needs the columns employee_id and type'] });
  const dateCol = col('effective_at', 'effective', 'date');
  const refCol = col('event_id', 'reference', 'ref');
  const problems: Record<string, string[]> = {};
  const events = parsed.records.map((record, index) => {
    const type = record[typeCol]!.toLowerCase().replace(/[\s-]+/g, '_');
    if (!record[idCol]) (problems[`line ${index + 2}`] ??= []).push('employee_id is required');
    if (!(HR_EVENT_TYPES as readonly string[]).includes(type)) (problems[`line ${index + 2}`] ??= []).push(`type must be one of ${HR_EVENT_TYPES.join(', ')}`);
    const effectiveAt = dateCol && record[dateCol] ? record[dateCol] : undefined;
    if (effectiveAt && !/^\d{4}-\d{2}-\d{2}/.test(effectiveAt)) (problems[`line ${index + 2}`] ??= []).push('effective_at must be a date (YYYY-MM-DD)');
    return { employeeId: record[idCol]!, type: type as HrEventType, effectiveAt, eventId: refCol && record[refCol] ? record[refCol] : undefined };
  });
  if (Object.keys(problems).length > 0) throw new ValidationFailed(problems, 'Some rows of the file are not valid.');
  return events;
}

/** Records every event of a file, one transaction each (a review opens per flagged event). */
export async function importHrEvents(ctx: AppContext, actor: AuditActor, text: string) {
  const events = readHrEventsCsv(text);
  let flagged = 0;
  let duplicates = 0;
  for (const event of events) {
    const result = await recordHrEvent(ctx, actor, null, event);
    if (result.duplicate) duplicates += 1;
    else if (result.clearanceRequired) flagged += 1;
  }
  return { events: events.length, flagged, duplicates };
}
