/**
 * Conflict-of-interest routing with a directory of 100,000 employees and a management chain depth
 * of 5, on SQLite and on PostgreSQL.
 *
 * The directory is seeded as a real HR tree (one chief executive, ten reports per manager, six
 * levels, names drawn from small lists so that some names are shared by several people, as in a
 * real company), with 60 staff accounts linked to employees and a few declared conflicts. Each
 * timed report names two subjects deep in the tree (one by name, one by e-mail) and one "must not
 * see" name; what is timed is the whole routing decision of intake: the directory look-ups by
 * normalised name and e-mail, the chain walk five levels up, the staff and declared-conflict
 * reads and the pure exclusion rules, then choosing the recipients. Target: p95 under 20 ms.
 *
 * Run: `node --import tsx bench/routing.ts`. Knobs: BENCH_DIALECTS=sqlite,postgres,
 * BENCH_ROUTING_EMPLOYEES=100000, BENCH_ROUTING_REPORTS=300, BENCH_ROUTING_DEPTH=5.
 */
import { randomUUID } from 'node:crypto';
import { insertEmployees } from '../src/directory/directory.repository.js';
import type { EmployeeInput } from '../src/directory/directory.rules.js';
import { startRuntime } from '../src/kernel/bootstrap.js';
import { ManualClock } from '../src/kernel/clock.js';
import { loadConfig } from '../src/kernel/config.js';
import type { Dialect } from '../src/kernel/database.js';
import { generateUserKeyPair } from '../src/kernel/crypto.js';
import { createLogger } from '../src/kernel/logger.js';
import { chooseRecipients } from '../src/routing/routing.rules.js';
import { planReportExclusions } from '../src/routing/routing.service.js';
import { createBenchDatabase } from './support/databases.js';
import { dialectsFromEnv, intFromEnv } from './support/env.js';
import { describeMachine, isEntryPoint, runAsScript, type Figure } from './support/figures.js';
import { formatLatency, summarize } from './support/stats.js';

const TARGET_P95_MS = 20;
const FIRST = ['Anna', 'Ben', 'Chen', 'Dana', 'Emil', 'Fatima', 'Gita', 'Hugo', 'Ines', 'Jonas', 'Kai', 'Lena', 'Mehmet', 'Nora', 'Omar', 'Priya', 'Quinn', 'Rosa', 'Sven', 'Tara'];
const LAST = Array.from({ length: 400 }, (_, i) => `Surname${i.toString(36)}`);

export interface RoutingOptions {
  dialects: Dialect[];
  employees: number;
  reports: number;
  depth: number;
}

export function routingOptionsFromEnv(): RoutingOptions {
  return {
    dialects: dialectsFromEnv('BENCH_DIALECTS', ['sqlite', 'postgres']),
    employees: intFromEnv('BENCH_ROUTING_EMPLOYEES', 100_000),
    reports: intFromEnv('BENCH_ROUTING_REPORTS', 300),
    depth: intFromEnv('BENCH_ROUTING_DEPTH', 5),
  };
}

/** A tree: employee i reports to employee floor((i-1)/10); names repeat (20 x 400 combinations). */
function directory(count: number): EmployeeInput[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `E${i}`,
    name: `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]}`,
    email: `e${i}@corp.example`,
    department: `Dept ${i % 97}`,
    managerId: i === 0 ? null : `E${Math.floor((i - 1) / 10)}`,
    active: true,
  }));
}

async function runOn(dialect: Dialect, options: RoutingOptions): Promise<Figure[]> {
  const database = await createBenchDatabase(dialect, 'routing');
  const config = loadConfig({ CANDOR_DATA_DIR: database.dataDir, CANDOR_DATABASE_URL: database.url, LOG_LEVEL: 'warn', CANDOR_CONFLICT_CHAIN_DEPTH: String(options.depth) });
  const runtime = await startRuntime(config, { clock: new ManualClock(new Date()), logger: createLogger('warn', process.stderr) });
  try {
    const { db } = runtime.ctx;
    const people = directory(options.employees);
    const seedStarted = performance.now();
    await db.transaction().execute(async (tx) => insertEmployees(tx, people, new Date().toISOString()));
    // Staff: 60 accounts, linked to employees spread over the tree; a few declared conflicts.
    const staffIds: string[] = [];
    const { publicKey } = generateUserKeyPair();
    for (let s = 0; s < 60; s++) {
      const id = randomUUID();
      const employee = people[(s * 1663) % people.length]!;
      staffIds.push(id);
      await db
        .insertInto('users')
        .values({ id, email: employee.email!, name: employee.name, role: s < 50 ? 'handler' : 'oversight', public_key: publicKey, password_kdf: '{}', private_key_by_password: Buffer.alloc(1), private_key_by_recovery: Buffer.alloc(1), created_at: new Date().toISOString(), disabled_at: null, totp_sealed: null, totp_confirmed_at: null, totp_last_step: null, locked_until: null, last_login_at: null, employee_id: s % 2 === 0 ? employee.id : null })
        .execute();
      if (s % 10 === 0) await db.insertInto('staff_conflicts').values({ id: randomUUID(), user_id: id, employee_id: people[(s * 7919) % people.length]!.id, declared_by: id, created_at: new Date().toISOString() }).execute();
    }
    console.log(`[routing] ${dialect}: ${people.length} employees, 60 staff seeded in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s; chain depth ${options.depth}`);

    const samples: number[] = [];
    let excludedTotal = 0;
    for (let r = 0; r < options.reports + 20; r++) {
      // Subjects deep in the tree, so the chain walk goes the full depth.
      const deep = people[people.length - 1 - ((r * 7877) % Math.floor(people.length / 2))]!;
      const other = people[people.length - 1 - ((r * 104_729) % Math.floor(people.length / 2))]!;
      const friend = people[(r * 31) % people.length]!;
      const started = performance.now();
      const routing = await planReportExclusions(db, { subjects: [{ name: deep.name }, { name: 'x', email: other.email }], mustNotSee: [{ name: friend.name }] }, options.depth);
      const allowed = staffIds.filter((id) => !routing.plan.excluded.has(id));
      chooseRecipients(allowed.slice(0, 50), allowed.slice(50), []);
      const elapsed = performance.now() - started;
      if (r >= 20) {
        samples.push(elapsed); // the first 20 warm caches and JIT
        excludedTotal += routing.plan.excluded.size;
      }
    }
    const summary = summarize(samples);
    console.log(`[routing] ${dialect}: per report ${formatLatency(summary)}; ${(excludedTotal / samples.length).toFixed(1)} staff excluded on average; target p95 < ${TARGET_P95_MS} ms`);
    return [
      { bench: 'routing', database: dialect, name: `routing p95 (${options.employees} employees, depth ${options.depth})`, value: summary.p95, unit: 'ms', target: { op: '<', value: TARGET_P95_MS } },
      { bench: 'routing', database: dialect, name: 'routing p50', value: summary.p50, unit: 'ms' },
    ];
  } finally {
    await runtime.close();
    await database.dispose();
  }
}

export async function runRoutingBench(options: RoutingOptions = routingOptionsFromEnv()): Promise<Figure[]> {
  console.log(`[routing] ${describeMachine()}; ${options.employees} employees, ${options.reports} reports, depth ${options.depth}`);
  const figures: Figure[] = [];
  for (const dialect of options.dialects) figures.push(...(await runOn(dialect, options)));
  return figures;
}

if (isEntryPoint(import.meta.url)) await runAsScript('routing', () => runRoutingBench());
