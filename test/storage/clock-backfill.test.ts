/** Cases open before the clocks existed get them when migration 0006 runs (both dialects). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepClocks } from '../../src/clocks/clock-sweep.service.js';
import { backfillCaseClocks } from '../../src/kernel/migrations/0006-clocks-jobs.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/databases.js';

const DAY = 86_400_000;

describe.each(DIALECTS)('clock backfill for existing cases (%s)', (dialect) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(dialect);
    await app.createStaff('handler', { channel: 'general' });
    await app.createStaff('oversight');
  });
  afterAll(() => app?.close());

  it('gives open cases acknowledge, feedback and idle clocks to their promised dates; closed cases none', async () => {
    const open = await app.submitReport();
    const acknowledged = await app.submitReport();
    const closed = await app.submitReport();
    const ids = new Map<string, string>();
    for (const [name, report] of Object.entries({ open, acknowledged, closed })) {
      ids.set(name, (await app.ctx.db.selectFrom('cases').select('id').where('ref', '=', report.caseRef).executeTakeFirstOrThrow()).id);
    }
    const now = app.clock.now();
    await app.ctx.db.updateTable('cases').set({ acknowledged_at: now.toISOString() }).where('id', '=', ids.get('acknowledged')!).execute();
    await app.ctx.db.updateTable('cases').set({ closed_at: now.toISOString() }).where('id', '=', ids.get('closed')!).execute();
    // As an installation from before the clocks: no clock rows at all.
    await app.ctx.db.deleteFrom('case_clocks').execute();

    await backfillCaseClocks(app.ctx.db, now);
    const rows = await app.ctx.db.selectFrom('case_clocks').selectAll().orderBy('kind').execute();
    const of = (name: string) => rows.filter((row) => row.case_id === ids.get(name)).map((row) => [row.kind, row.state, row.due_at, row.next_check_at]);
    expect(of('open')).toEqual([
      ['acknowledge', 'running', open.acknowledgeBy, open.acknowledgeBy],
      ['feedback', 'running', open.feedbackBy, open.feedbackBy],
      ['idle', 'running', new Date(now.getTime() + 14 * DAY).toISOString(), new Date(now.getTime() + 14 * DAY).toISOString()],
    ]);
    expect(of('acknowledged')[0]).toEqual(['acknowledge', 'met', acknowledged.acknowledgeBy, null]);
    expect(of('closed')).toEqual([]);

    // No stale warnings for them; a missed deadline breaches and escalates on the first sweep.
    app.clock.advance(7 * DAY + 1);
    const swept = await sweepClocks(app.ctx);
    expect(swept).toMatchObject({ warnings: 0, breaches: 1, escalations: 1 });
  });
});
