/**
 * Small-cell suppression against an attacker who asks for every range and every filter the API
 * allows and then solves the published figures as a system of linear equations: no cell under k
 * may be determined by them. The classic leak, department x month, is the first case.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/kernel/clock.js';
import { loadConfig } from '../../src/kernel/config.js';
import { seedStats, statsRows } from '../support/analytics.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/databases.js';
import type { HttpClient } from '../support/http-client.js';

const K = 5;
type Figure = { value: number | null; state: string };
type Dashboard = {
  covered: { from: string; to: string } | null;
  suppressed: string | null;
  received: Figure;
  tables: { id: string; rows: { key: string; count: Figure }[] }[];
};

const monthsBetween = (from: string, to: string, all: readonly string[]) => all.filter((m) => m >= from && m <= to);

/** Whether unit vector `target` is a linear combination of the equations' rows (then that cell is known). */
function determined(equations: number[][], target: number): boolean {
  const rank = (rows: number[][]) => {
    const m = rows.map((row) => [...row]);
    let r = 0;
    const width = m[0]?.length ?? 0;
    for (let c = 0; c < width && r < m.length; c++) {
      let pivot = -1;
      for (let i = r; i < m.length; i++) if (Math.abs(m[i]![c]!) > 1e-9 && (pivot === -1 || Math.abs(m[i]![c]!) > Math.abs(m[pivot]![c]!))) pivot = i;
      if (pivot === -1) continue;
      [m[r], m[pivot]] = [m[pivot]!, m[r]!];
      for (let i = 0; i < m.length; i++) {
        if (i === r) continue;
        const f = m[i]![c]! / m[r]![c]!;
        if (f !== 0) for (let j = c; j < width; j++) m[i]![j]! -= f * m[r]![j]!;
      }
      r += 1;
    }
    return r;
  };
  const unit = equations[0]!.map((_, i) => (i === target ? 1 : 0));
  return rank([...equations, unit]) === rank(equations);
}

/**
 * Asks for every range of whole months and every value of the dimension as a filter (and none),
 * turns each published count into an equation over the (month, value) cells, checks each is
 * exact, and returns the cells the equations determine.
 */
async function attack(client: HttpClient, dim: 'department' | 'category', months: string[], values: string[], truth: (month: string, value: string) => number) {
  const cells = months.flatMap((month) => values.map((value) => ({ month, value })));
  const index = new Map(cells.map((cell, i) => [`${cell.month}|${cell.value}`, i]));
  const equations: number[][] = [];
  const add = (support: { month: string; value: string }[], value: number) => {
    const row = cells.map(() => 0);
    let sum = 0;
    for (const cell of support) {
      row[index.get(`${cell.month}|${cell.value}`)!] = 1;
      sum += truth(cell.month, cell.value);
    }
    expect(value).toBe(sum); // every published figure is exact
    equations.push(row);
  };
  let requests = 0;
  for (const from of months) {
    for (const to of months.filter((m) => m >= from)) {
      for (const filter of [undefined, ...values]) {
        const query = `from=${from}&to=${to}${filter ? `&${dim}=${encodeURIComponent(filter)}` : ''}`;
        const response = await client.get(`/api/v1/analytics/dashboard?${query}`);
        expect(response.status).toBe(200);
        requests += 1;
        const body = response.body as Dashboard;
        if (!body.covered || body.suppressed) continue;
        const covered = monthsBetween(body.covered.from, body.covered.to, months);
        const scope = filter ? [filter] : values;
        const support = (ms: string[], vs: string[]) => ms.flatMap((month) => vs.map((value) => ({ month, value })));
        if (body.received.state === 'shown') add(support(covered, scope), body.received.value!);
        for (const table of body.tables) {
          for (const row of table.rows) {
            if (row.count.state !== 'shown') continue;
            if (table.id === 'by-period') {
              const [a, b] = row.key.split('/') as [string, string | undefined];
              add(support(monthsBetween(a, b ?? a, months), scope), row.count.value!);
            } else if (table.id === `by-${dim}`) {
              const listed = table.rows.map((r) => r.key).filter((key) => key !== '*rest');
              const vs = row.key === '*rest' ? values.filter((v) => !listed.includes(v)) : [row.key];
              add(support(covered, vs.filter((v) => scope.includes(v))), row.count.value!);
            } else if (table.id === 'anonymity' && row.key === 'anonymous') {
              add(support(covered, scope), row.count.value!);
            }
          }
        }
      }
    }
  }
  expect(requests).toBeGreaterThanOrEqual(months.length * (values.length + 1));
  return cells.filter((_, i) => determined(equations, i));
}

describe.each(DIALECTS)('analytics: small cells cannot be recovered (%s)', (dialect) => {
  let app: TestApp;
  let analyst: HttpClient;
  let channelId: string;

  beforeAll(async () => {
    app = await startTestApp(dialect, { clock: new ManualClock('2026-03-01T12:00:00.000Z') });
    analyst = await app.signIn(await app.createStaff('analyst'));
    channelId = (await app.ctx.db.selectFrom('channels').select('id').where('slug', '=', 'general').executeTakeFirstOrThrow()).id;
  });
  afterAll(() => app?.close());

  it('department x month: Legal had 2 reports in March; no set of requests reveals it', async () => {
    const months = ['2025-01', '2025-02', '2025-03', '2025-04', '2025-05', '2025-06'];
    const counts: Record<string, number[]> = { Finance: [10, 10, 10, 10, 10, 10], Legal: [6, 6, 2, 6, 6, 6], Sales: [7, 7, 7, 7, 7, 7] };
    for (const [department, perMonth] of Object.entries(counts)) {
      for (const [i, n] of perMonth.entries()) await seedStats(app.ctx.db, statsRows(n, { received_month: months[i]!, channel_id: channelId, department }));
    }
    const truth = (month: string, value: string) => counts[value]![months.indexOf(month)]!;

    const all = (await analyst.get('/api/v1/analytics/dashboard?from=2025-01&to=2025-06')).body;
    // Only Finance may be filtered by: Legal has a month under k, and Sales must stay with it so
    // that what is left over (total less Finance) is never under k either.
    expect(all.options.departments).toEqual(['Finance']);
    const byDepartment = all.tables.find((t: { id: string }) => t.id === 'by-department');
    expect(byDepartment.rows.map((r: { key: string; count: Figure }) => [r.key, r.count.value])).toEqual([
      ['Finance', 60],
      ['*rest', 74],
    ]);
    expect((await analyst.get('/api/v1/analytics/dashboard?from=2025-01&to=2025-06&department=Legal')).body.suppressed).toBe('filter_too_narrow');
    // A range without March lets Legal be filtered by; March is then never part of its figures.
    const legalQ2 = (await analyst.get('/api/v1/analytics/dashboard?from=2025-04&to=2025-06&department=Legal')).body;
    expect([legalQ2.suppressed, legalQ2.received.value]).toEqual([null, 18]);

    const known = await attack(analyst, 'department', months, Object.keys(counts), truth);
    expect(known).not.toContainEqual({ month: '2025-03', value: 'Legal' });
    for (const cell of known) expect([0, ...Array.from({ length: 1000 }, (_, i) => i + K)]).toContain(truth(cell.month, cell.value));
  }, 120_000);

  it('category: values with a month under k are shown only together, and nothing subtracts back to one', async () => {
    const months = ['2025-07', '2025-08'];
    const counts: Record<string, number[]> = { bullying: [20, 20], fraud: [3, 8], theft: [6, 6] };
    for (const [category, perMonth] of Object.entries(counts)) {
      for (const [i, n] of perMonth.entries()) await seedStats(app.ctx.db, statsRows(n, { received_month: months[i]!, channel_id: channelId, category }));
    }
    const january = (await analyst.get('/api/v1/analytics/dashboard?from=2025-07&to=2025-07')).body;
    const byCategory = january.tables.find((t: { id: string }) => t.id === 'by-category');
    // fraud had 3 in July; theft must stay with it, or the two ranges July and July-August would
    // each show fraud and subtract back to July's 3.
    expect(byCategory.rows.map((r: { key: string; count: Figure }) => [r.key, r.count.state, r.count.value])).toEqual([
      ['bullying', 'shown', 20],
      ['*rest', 'shown', 9],
    ]);
    expect(january.received.value).toBe(29);
    const truth = (month: string, value: string) => counts[value]![months.indexOf(month)]!;
    const known = await attack(analyst, 'category', months, Object.keys(counts), truth);
    expect(known).not.toContainEqual({ month: '2025-07', value: 'fraud' });
    for (const cell of known) expect(truth(cell.month, cell.value) === 0 || truth(cell.month, cell.value) >= K).toBe(true);
  }, 120_000);

  it('withholds the latest months until their period holds k reports, so two ranges never differ by fewer than k', async () => {
    await seedStats(app.ctx.db, statsRows(3, { received_month: '2025-10', channel_id: channelId }));
    const upToSeptember = (await analyst.get('/api/v1/analytics/dashboard?from=2025-01&to=2025-09')).body;
    const upToOctober = (await analyst.get('/api/v1/analytics/dashboard?from=2025-01&to=2025-10')).body;
    expect(upToSeptember.withheld).toEqual({ from: '2025-09', to: '2025-09' });
    expect(upToOctober.withheld).toEqual({ from: '2025-09', to: '2025-10' });
    expect(upToOctober.received.value).toBe(upToSeptember.received.value);
    expect(upToOctober.covered).toEqual({ from: '2025-01', to: '2025-08' });
  });

  it('suppresses distributions built from fewer than k cases', async () => {
    // With October's 3, December's 10 close the period September to December: 13 reports, 4 acknowledged.
    await seedStats(app.ctx.db, statsRows(4, { received_month: '2025-12', channel_id: channelId, acknowledged_at: '2025-12-11T09:00:00.000Z', ack_hours: 24 }));
    await seedStats(app.ctx.db, statsRows(6, { received_month: '2025-12', channel_id: channelId }));
    const body = (await analyst.get('/api/v1/analytics/dashboard?from=2025-12&to=2025-12')).body;
    expect([body.covered, body.received.value]).toEqual([{ from: '2025-09', to: '2025-12' }, 13]);
    expect(body.durations.acknowledge).toEqual({ unit: 'hours', n: { value: null, state: 'small' }, median: null, p90: null });
  });
});

describe('analytics: k is configurable upward only', () => {
  it('refuses k under 5 at start, and takes a larger one', async () => {
    expect(() => loadConfig({ CANDOR_ANALYTICS_K: '4' })).toThrow(/CANDOR_ANALYTICS_K: must be at least 5/);
    expect(loadConfig({ CANDOR_ANALYTICS_K: '10' }).analytics.k).toBe(10);
    expect(loadConfig({}).analytics.k).toBe(5);
    expect(() => loadConfig({ CANDOR_BENCHMARK_CLOSE_DAYS: 'soon' })).toThrow(/CANDOR_BENCHMARK_CLOSE_DAYS/);
  });

  it('with k = 10, a figure of 7 reads "fewer than 10"', async () => {
    const app = await startTestApp('sqlite', { env: { CANDOR_ANALYTICS_K: '10' }, clock: new ManualClock('2026-03-01T12:00:00.000Z') });
    try {
      const channelId = (await app.ctx.db.selectFrom('channels').select('id').where('slug', '=', 'general').executeTakeFirstOrThrow()).id;
      await seedStats(app.ctx.db, [
        ...statsRows(13, { received_month: '2025-05', channel_id: channelId, anonymity: 'anonymous' }),
        ...statsRows(7, { received_month: '2025-05', channel_id: channelId, anonymity: 'named' }),
      ]);
      const analyst = await app.signIn(await app.createStaff('analyst'));
      const body = (await analyst.get('/api/v1/analytics/dashboard?from=2025-05&to=2025-05')).body;
      expect(body.k).toBe(10);
      const anonymity = body.tables.find((t: { id: string }) => t.id === 'anonymity');
      expect(anonymity.rows.map((r: { count: Figure }) => r.count.state)).toEqual(['withheld', 'shown', 'small']);
    } finally {
      await app.close();
    }
  });
});
