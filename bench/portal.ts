/**
 * Reporter portal weight and speed: for the landing page and the questionnaire, the bytes a browser
 * downloads (the HTML and the CSS and JS it links to, raw and gzip-compressed) and the time to first
 * byte on loopback (median and p95 over sequential keep-alive requests). The targets: under 100 KB
 * per page and the first byte within 50 ms.
 *
 * The server runs from the sources in its own process (`node --import tsx src/cli/entry.ts serve`)
 * on a throwaway SQLite database, so no build is needed and the client does not share its event loop.
 * Run on its own: `node --import tsx bench/portal.ts`. Knobs: BENCH_PORTAL_REQUESTS (200),
 * BENCH_PORTAL_WARMUP (20).
 *
 * Self-contained on purpose: the figures have the shape of bench/support/figures.ts's `Figure`, with
 * `bench: 'portal'`, so bench/run.ts can list this bench once that type names it.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const KB = 1024;

export const PORTAL_TARGETS = { pageBytes: 100 * KB, firstByteMs: 50 } as const;
const PAGES = [
  { name: 'landing', path: '/?lang=en' },
  { name: 'questionnaire', path: '/c/general/report?lang=en' },
] as const;

export interface PortalFigure {
  bench: 'portal';
  database: string;
  name: string;
  value: number;
  unit: string;
  target?: { op: '>=' | '<'; value: number };
}

interface Fetched {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** Milliseconds from sending the request to the response headers (the first byte). */
  firstByteMs: number;
}

function get(agent: http.Agent, baseUrl: URL, target: string): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const request = http.get({ host: baseUrl.hostname, port: baseUrl.port, path: target, agent, headers: { 'accept-language': 'en' } }, (response) => {
      const firstByteMs = performance.now() - started;
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks), firstByteMs }));
    });
    request.on('error', reject);
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** `candor serve` from the sources on a fresh SQLite database; answers once /readyz says 200. */
async function startServer(): Promise<{ baseUrl: URL; stop(): Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'candor-bench-portal-'));
  const port = await freePort();
  const logFile = path.join(dataDir, 'server.log');
  const log = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/entry.ts', 'serve'], {
    cwd: REPO_ROOT,
    env: { ...process.env, CANDOR_DATA_DIR: dataDir, CANDOR_DATABASE_URL: `sqlite:${path.join(dataDir, 'candor.sqlite')}`, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  const stop = async () => {
    if (!gone) child.kill('SIGTERM');
    await exited;
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  process.once('exit', () => child.kill('SIGKILL'));

  const baseUrl = new URL(`http://127.0.0.1:${port}`);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (gone) throw new Error(`candor serve exited before it was ready:\n${fs.readFileSync(logFile, 'utf8').slice(-2000)}`);
    const ready = await fetch(new URL('/readyz', baseUrl)).then((response) => response.status === 200, () => false);
    if (ready) return { baseUrl, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error('candor serve was not ready within 60 s');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The stylesheets and scripts a page links to, in the order it names them. */
function linkedAssets(html: string): string[] {
  const found: string[] = [];
  for (const match of html.matchAll(/<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="([^"]+)"/g)) found.push(match[1]!.replace(/&amp;/g, '&'));
  return found;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1]!;
}

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, not "${raw}"`);
  return value;
}

export async function runPortalBench(): Promise<PortalFigure[]> {
  const requests = intFromEnv('BENCH_PORTAL_REQUESTS', 200);
  const warmup = intFromEnv('BENCH_PORTAL_WARMUP', 20);
  const server = await startServer();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const figures: PortalFigure[] = [];
  const figure = (name: string, value: number, unit: string, target?: number) =>
    figures.push({ bench: 'portal', database: 'sqlite', name, value, unit, ...(target === undefined ? {} : { target: { op: '<' as const, value: target } }) });
  try {
    for (const page of PAGES) {
      const first = await get(agent, server.baseUrl, page.path);
      if (first.status !== 200) throw new Error(`GET ${page.path} answered ${first.status}`);
      const files: { url: string; body: Buffer }[] = [{ url: page.path, body: first.body }];
      for (const asset of linkedAssets(first.body.toString('utf8'))) {
        const fetched = await get(agent, server.baseUrl, asset);
        if (fetched.status !== 200) throw new Error(`GET ${asset} answered ${fetched.status}`);
        files.push({ url: asset, body: fetched.body });
      }
      const served = first.headers['content-encoding'] ?? 'identity';
      for (const file of files) console.log(`[portal] ${page.name}: ${file.url} ${(file.body.length / KB).toFixed(1)} KB raw, ${(gzipSync(file.body).length / KB).toFixed(1)} KB gzip`);
      const raw = files.reduce((sum, file) => sum + file.body.length, 0);
      const gzip = files.reduce((sum, file) => sum + gzipSync(file.body).length, 0);
      console.log(`[portal] ${page.name}: HTML served with content-encoding ${served}; gzip figures are what a compressing proxy would send`);
      figure(`${page.name} bytes (HTML+CSS+JS), raw`, raw / KB, 'KB', PORTAL_TARGETS.pageBytes / KB);
      figure(`${page.name} bytes (HTML+CSS+JS), gzip`, gzip / KB, 'KB', PORTAL_TARGETS.pageBytes / KB);

      for (let index = 0; index < warmup; index += 1) await get(agent, server.baseUrl, page.path);
      const samples: number[] = [];
      for (let index = 0; index < requests; index += 1) samples.push((await get(agent, server.baseUrl, page.path)).firstByteMs);
      samples.sort((a, b) => a - b);
      console.log(`[portal] ${page.name}: first byte p50 ${percentile(samples, 50).toFixed(2)} ms, p95 ${percentile(samples, 95).toFixed(2)} ms, max ${samples.at(-1)!.toFixed(2)} ms (n=${requests})`);
      figure(`${page.name} first byte, median`, percentile(samples, 50), 'ms', PORTAL_TARGETS.firstByteMs);
      figure(`${page.name} first byte, p95`, percentile(samples, 95), 'ms', PORTAL_TARGETS.firstByteMs);
    }
  } finally {
    agent.destroy();
    await server.stop();
  }
  return figures;
}

/** The figures beside their targets, one line each. */
export function formatPortalFigures(figures: readonly PortalFigure[]): string {
  const rows = figures.map((figure) => {
    const pass = figure.target ? (figure.target.op === '<' ? figure.value < figure.target.value : figure.value >= figure.target.value) : undefined;
    return [figure.name, `${figure.value.toFixed(figure.unit === 'ms' ? 2 : 1)} ${figure.unit}`, figure.target ? `${figure.target.op} ${figure.target.value} ${figure.unit}` : '', pass === undefined ? '' : pass ? 'PASS' : 'FAIL'];
  });
  const header = ['figure', 'value', 'target', 'result'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column === 1 || column === 2 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ').trimEnd();
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  runPortalBench().then(
    (figures) => {
      console.log(`\nPortal (${os.cpus().length} cores, Node ${process.version}):\n${formatPortalFigures(figures)}\n`);
      const missed = figures.filter((figure) => figure.target && !(figure.value < figure.target.value));
      process.exitCode = missed.length > 0 && process.env.BENCH_STRICT === '1' ? 1 : 0;
    },
    (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exitCode = 1;
    },
  );
}
