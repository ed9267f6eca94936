/** The figures a benchmark hands back, and the table `bench/run.ts` (or a bench run on its own) prints. */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './server.js';

export interface Target {
  op: '>=' | '<';
  value: number;
}

export interface Figure {
  bench: 'intake' | 'inbox' | 'console' | 'clocks' | 'routing' | 'audit';
  database: string;
  name: string;
  value: number;
  unit: string;
  target?: Target;
}

export function meetsTarget(figure: Figure): boolean | undefined {
  if (!figure.target) return undefined;
  return figure.target.op === '>=' ? figure.value >= figure.target.value : figure.value < figure.target.value;
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  const abs = Math.abs(value);
  return abs >= 100 ? value.toFixed(0) : abs >= 10 ? value.toFixed(1) : value.toFixed(2);
}

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

/** A plain-text table: one row per figure, with the target and PASS/FAIL where there is one. */
export function formatFigures(figures: readonly Figure[]): string {
  const rows = figures.map((figure) => {
    const pass = meetsTarget(figure);
    return [
      figure.bench,
      figure.database,
      figure.name,
      `${formatNumber(figure.value)} ${figure.unit}`,
      figure.target ? `${figure.target.op} ${formatNumber(figure.target.value)} ${figure.unit}` : '',
      pass === undefined ? '' : pass ? 'PASS' : 'FAIL',
    ];
  });
  const header = ['bench', 'database', 'figure', 'value', 'target', 'result'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => pad(cell, widths[column]!, column === 3 || column === 4)).join('  ').trimEnd();
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

/** One line that says where the figures came from, since they mean little without it. */
export function describeMachine(): string {
  const cpus = os.cpus();
  return `${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? '4 (default)'}`;
}

/** Which code was measured: the commit, and whether src/ had uncommitted changes. */
export function describeCode(repoRoot = REPO_ROOT): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const changed = git('status', '--porcelain', '--', 'src').split('\n').filter(Boolean).length;
    return `commit ${git('rev-parse', '--short', 'HEAD')}${changed > 0 ? ` + ${changed} uncommitted change(s) in src/` : ''}`;
  } catch {
    return 'commit unknown (not a git checkout)';
  }
}

/** Whether this module is the script node was started with (so each bench also runs on its own). */
export function isEntryPoint(moduleUrl: string): boolean {
  const entry = process.argv[1];
  return entry !== undefined && pathToFileURL(path.resolve(entry)).href === moduleUrl;
}

/**
 * Runs a bench as a script: prints its figures and exits 0, or 1 if it broke. A missed target is a
 * finding, not a failure, unless BENCH_STRICT=1.
 */
export async function runAsScript(title: string, bench: () => Promise<Figure[]>): Promise<void> {
  try {
    const figures = await bench();
    console.log(`\n${title}, ${describeCode()}; ${describeMachine()}\n${formatFigures(figures)}\n`);
    const missed = figures.filter((figure) => meetsTarget(figure) === false);
    process.exitCode = missed.length > 0 && process.env.BENCH_STRICT === '1' ? 1 : 0;
  } catch (error) {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
  }
}
