/** Bench knobs come from environment variables, so `npm run bench` needs no arguments. */
import type { Dialect } from '../../src/kernel/database.js';

export function intFromEnv(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min}, not "${raw}"`);
  return value;
}

export function numberFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, not "${raw}"`);
  return value;
}

/** A comma-separated list of dialects, e.g. BENCH_DIALECTS=sqlite. */
export function dialectsFromEnv(name: string, fallback: readonly Dialect[]): Dialect[] {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return [...fallback];
  const names = raw.split(',').map((part) => part.trim()).filter(Boolean);
  for (const dialect of names) {
    if (dialect !== 'sqlite' && dialect !== 'postgres') throw new Error(`${name}: unknown database "${dialect}" (sqlite, postgres)`);
  }
  return names as Dialect[];
}
