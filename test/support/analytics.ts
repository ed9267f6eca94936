/** Seeding statistics rows directly, for the analytics suppression tests and the bench. */
import { randomUUID } from 'node:crypto';
import { insertStatsRowsInBulk } from '../../src/analytics/stats.service.js';
import type { StatsRow } from '../../src/analytics/stats.rules.js';
import type { Queryable } from '../../src/kernel/database.js';

export function statsRow(fields: Partial<StatsRow> & { received_month: string }): StatsRow {
  const receivedAt = `${fields.received_month}-10T09:00:00.000Z`;
  return {
    case_id: randomUUID(),
    channel_id: 'general-id',
    category: 'harassment',
    anonymity: 'anonymous',
    department: null,
    received_at: receivedAt,
    acknowledged_at: null,
    ack_hours: null,
    closed_at: null,
    close_days: null,
    closing: null,
    outcome: null,
    action: null,
    ack_breached: 0,
    feedback_breached: 0,
    investigation_breached: 0,
    escalation_rung: 0,
    appealed: 0,
    returned_at: null,
    replied_at: null,
    retaliation_reviews: 0,
    retaliation_upheld: 0,
    retaliation_cleared: 0,
    hr_events_flagged: 0,
    ...fields,
  };
}

/** `count` identical rows. */
export function statsRows(count: number, fields: Partial<StatsRow> & { received_month: string }): StatsRow[] {
  return Array.from({ length: count }, () => statsRow(fields));
}

export async function seedStats(db: Queryable, rows: StatsRow[]): Promise<void> {
  await insertStatsRowsInBulk(db, rows, new Date().toISOString());
}
