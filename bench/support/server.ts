/**
 * The real server as a child process (`node bin/candor.js serve`), as an operator runs it, on a
 * free loopback port. Its log goes to a file in the data directory, shown if it fails.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { trackChild } from './cleanup.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CANDOR_BIN = path.join(REPO_ROOT, 'bin/candor.js');

/** Sources whose compiled file in dist/ is missing or older than they are. */
function staleSources(): string[] {
  const src = path.join(REPO_ROOT, 'src');
  const stale: string[] = [];
  for (const entry of fs.readdirSync(src, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.d.ts')) continue;
    const source = path.join(entry.parentPath, entry.name);
    const compiled = path.join(REPO_ROOT, 'dist', path.relative(src, source)).replace(/\.ts$/, '.js');
    // Sources the build leaves out (src/cli/entry.ts) have no compiled file: nothing to compare.
    if (fs.existsSync(compiled) && fs.statSync(compiled).mtimeMs < fs.statSync(source).mtimeMs) stale.push(path.relative(REPO_ROOT, source));
  }
  return stale;
}

/**
 * The server runs from dist/, while the bench prepares databases with the sources (through tsx):
 * both should be the same code. `npm run bench` builds first; a bench run on its own checks, and
 * warns rather than refuses, since a source edited since the build may not touch what is measured.
 */
export function assertBuilt(): void {
  if (!fs.existsSync(path.join(REPO_ROOT, 'dist/cli/main.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first (npm run bench does).');
  }
  const stale = staleSources();
  if (stale.length > 0) {
    console.warn(
      `[bench] WARNING: ${stale.length} source(s) changed since the last build (${stale.slice(0, 3).join(', ')}${stale.length > 3 ? ', ...' : ''}): ` +
        'the server runs dist/, so run `npm run build` if the figures should cover them.',
    );
  }
}

/**
 * Candor serves the staff console from dist/console, which `npm run build` writes from web/. The
 * console bench refuses to run without it and warns when web/ has changed since, as assertBuilt does.
 */
export function assertConsoleBuilt(): void {
  const page = path.join(REPO_ROOT, 'dist/console/index.html');
  if (!fs.existsSync(page)) throw new Error('dist/console is missing: run `npm run build` first (npm run bench does).');
  const builtAt = fs.statSync(page).mtimeMs;
  const changed = fs
    .readdirSync(path.join(REPO_ROOT, 'web'), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs > builtAt)
    .map((entry) => path.relative(REPO_ROOT, path.join(entry.parentPath, entry.name)));
  if (changed.length > 0) {
    console.warn(
      `[bench] WARNING: ${changed.length} console source(s) changed since the console was built (${changed.slice(0, 3).join(', ')}${changed.length > 3 ? ', ...' : ''}): ` +
        'run `npm run build` if the figures should cover them.',
    );
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** The server's environment: the caller's (so CANDOR_ARGON2_*, UV_THREADPOOL_SIZE carry over) plus the run's database. */
export function candorEnv(database: { url: string; dataDir: string }, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    CANDOR_DATA_DIR: database.dataDir,
    CANDOR_DATABASE_URL: database.url,
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
    ...extra,
  };
}

function tail(file: string, lines = 20): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Runs a `candor` command to completion; answers its standard output. */
export async function runCandor(args: string[], env: NodeJS.ProcessEnv, stdin = ''): Promise<string> {
  const child = spawn(process.execPath, [CANDOR_BIN, ...args], { env, cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  trackChild(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(stdin);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (exitCode) => resolve(exitCode));
  });
  if (code !== 0) throw new Error(`candor ${args.slice(0, 2).join(' ')} exited ${code}: ${stderr.trim()}`);
  return stdout;
}

export interface RunningServer {
  baseUrl: string;
  pid: number;
  logFile: string;
  stop(): Promise<void>;
}

/** Starts `candor serve` and waits until /readyz answers 200 (or the child dies, or 30 s pass). */
export async function startCandorServer(env: NodeJS.ProcessEnv): Promise<RunningServer> {
  const port = await freePort();
  const logFile = path.join(env.CANDOR_DATA_DIR ?? REPO_ROOT, 'server.log');
  const log = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, [CANDOR_BIN, 'serve'], {
    env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
    cwd: REPO_ROOT,
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  trackChild(child);
  let exited: number | null | undefined;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = code ?? (signal ? -1 : null);
      resolve();
    }),
  );
  const baseUrl = `http://127.0.0.1:${port}`;

  const stop = async () => {
    if (exited !== undefined) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exit;
    clearTimeout(timer);
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited !== undefined) throw new Error(`candor serve exited (${exited}) before it was ready:\n${tail(logFile)}`);
    try {
      const response = await fetch(`${baseUrl}/readyz`);
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`candor serve was not ready within 30 s:\n${tail(logFile)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { baseUrl, pid: child.pid!, logFile, stop };
}
