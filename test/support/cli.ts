import { spawn } from 'node:child_process';
import type { TestDatabase } from './databases.js';

const REPO_ROOT = new URL('../../', import.meta.url).pathname;
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `candor <args>` from source; `input` is piped to standard input (which is then closed). */
export function runCli(args: string[], options: { database?: TestDatabase; input?: string } = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn' };
  if (options.database) {
    env.CANDOR_DATABASE_URL = options.database.url;
    env.CANDOR_DATA_DIR = options.database.dataDir;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/entry.ts', ...args], { cwd: REPO_ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

