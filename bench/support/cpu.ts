/**
 * CPU accounting from /proc (Linux), so a run can say how much CPU the server spent per request
 * and whether other processes were competing for the same cores while it was measured.
 */
import fs from 'node:fs';
import os from 'node:os';

const TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux the bench runs on

export interface CpuSnapshot {
  at: number;
  /** Busy CPU time of the whole machine, seconds. */
  machineBusy: number;
  /** CPU time of each watched process (all its threads), seconds. */
  processes: Map<number, number>;
}

function readMachineBusy(): number | undefined {
  try {
    const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal ...: busy is everything but idle and iowait.
    const total = fields.slice(0, 8).reduce((sum, value) => sum + value, 0);
    return (total - fields[3]! - fields[4]!) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

function readProcessCpu(pid: number, statFile = `/proc/${pid}/stat`): number | undefined {
  try {
    const stat = fs.readFileSync(statFile, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the full line, 12 and 13 after "pid (comm) ".
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds of a process's main thread alone (its thread id is its pid): for Node, the event
 * loop, where every request's JavaScript runs one at a time.
 */
export function mainThreadCpu(pid: number): number | undefined {
  return readProcessCpu(pid, `/proc/${pid}/task/${pid}/stat`);
}

export function cpuSnapshot(pids: readonly number[]): CpuSnapshot {
  const processes = new Map<number, number>();
  for (const pid of pids) {
    const cpu = readProcessCpu(pid);
    if (cpu !== undefined) processes.set(pid, cpu);
  }
  return { at: performance.now(), machineBusy: readMachineBusy() ?? Number.NaN, processes };
}

export interface CpuUse {
  seconds: number;
  /** CPU seconds each watched process used. */
  byProcess: Map<number, number>;
  /** Average cores kept busy by everything else on the machine (other sessions, the database server...). */
  otherCores: number;
}

export function cpuUse(before: CpuSnapshot, after: CpuSnapshot): CpuUse {
  const seconds = (after.at - before.at) / 1000;
  const byProcess = new Map<number, number>();
  let watched = 0;
  for (const [pid, cpu] of after.processes) {
    // A process missing from the first snapshot was born in between: all of its time counts.
    const used = cpu - (before.processes.get(pid) ?? 0);
    byProcess.set(pid, used);
    watched += used;
  }
  return { seconds, byProcess, otherCores: (after.machineBusy - before.machineBusy - watched) / seconds };
}

/**
 * Waits (at most `maxSeconds`) until other processes use less than `threshold` cores, so a
 * measurement does not start in the middle of someone else's build. Answers the last reading.
 */
export async function waitForQuietMachine(watch: readonly number[], maxSeconds: number, threshold = 0.25): Promise<number> {
  const giveUpAt = performance.now() + maxSeconds * 1000;
  for (;;) {
    const before = cpuSnapshot(watch);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const other = cpuUse(before, cpuSnapshot(watch)).otherCores;
    if (!Number.isFinite(other) || other < threshold || performance.now() >= giveUpAt) return other;
  }
}

/** Processes whose command name is `name` (e.g. the PostgreSQL server and its backends). */
export function pidsNamed(name: string): number[] {
  try {
    return fs
      .readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .filter((pid) => {
        try {
          return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === name;
        } catch {
          return false;
        }
      })
      .map(Number);
  } catch {
    return [];
  }
}

/** The processes `root` started, theirs in turn and so on (a browser's renderers and helpers, say). */
export function descendantPids(root: number): number[] {
  const children = new Map<number, number[]>();
  try {
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
        // "pid (comm) state ppid ...": the parent is the second field after the command name.
        const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
      } catch {
        // the process ended while the list was read
      }
    }
  } catch {
    return [];
  }
  const found: number[] = [];
  const pending = [root];
  while (pending.length > 0) {
    for (const child of children.get(pending.pop()!) ?? []) {
      found.push(child);
      pending.push(child);
    }
  }
  return found;
}

export const CORES = os.cpus().length;
