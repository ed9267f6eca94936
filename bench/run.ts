/**
 * `npm run bench`: builds, then runs every benchmark in turn and ends with one summary table.
 * Each bench prints its own detail as it goes; the table repeats the headline figures with their
 * targets. Exit code 1 means a bench broke; a missed target is reported, and fails the run only
 * with BENCH_STRICT=1.
 */
import { spawnSync } from 'node:child_process';
import { runClocksBench } from './clocks.js';
import { runConsoleBench } from './console.js';
import { runInboxBench } from './inbox.js';
import { runIntakeBench } from './intake.js';
import { runRoutingBench } from './routing.js';
import { runAuditVerifyBench } from './audit-verify.js';
import { describeCode, describeMachine, formatFigures, meetsTarget, type Figure } from './support/figures.js';

const BENCHES: { name: string; run: () => Promise<Figure[]> }[] = [
  { name: 'intake', run: () => runIntakeBench() },
  { name: 'inbox', run: () => runInboxBench() },
  { name: 'console', run: () => runConsoleBench() },
  { name: 'clocks', run: () => runClocksBench() },
  { name: 'routing', run: () => runRoutingBench() },
  { name: 'audit', run: () => runAuditVerifyBench() },
];

/** Benches that print their own figures (portal pages, escrow lodging, the analytics dashboard), run as they are run alone. */
const STANDALONE = ['portal.ts', 'escrow.ts', 'analytics.ts'];

const figures: Figure[] = [];
const broken: string[] = [];
const started = performance.now();
for (const bench of BENCHES) {
  try {
    figures.push(...(await bench.run()));
  } catch (error) {
    broken.push(bench.name);
    console.error(`[${bench.name}] broke: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
}

for (const script of STANDALONE) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', new URL(script, import.meta.url).pathname], { stdio: 'inherit' });
  if (result.status !== 0) broken.push(script);
}

const missed = figures.filter((figure) => meetsTarget(figure) === false);
console.log(`\nCandor benchmarks, ${describeCode()}; ${describeMachine()}; ${((performance.now() - started) / 1000).toFixed(0)} s`);
console.log(formatFigures(figures));
if (broken.length > 0) console.log(`\nBROKEN: ${broken.join(', ')} (see the errors above)`);
if (missed.length > 0) {
  console.log(`\n${missed.length} target(s) missed: ${missed.map((figure) => `${figure.bench}/${figure.database} ${figure.name}`).join(', ')}`);
} else if (figures.some((figure) => figure.target)) {
  console.log('\nEvery target measured was met.');
}
process.exitCode = broken.length > 0 || (missed.length > 0 && process.env.BENCH_STRICT === '1') ? 1 : 0;
