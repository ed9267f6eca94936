/**
 * What to undo if the bench is interrupted (Ctrl-C, SIGTERM): child processes are killed at once,
 * then temporary databases and directories are removed, so an interrupted run leaves nothing behind.
 */
import type { ChildProcess } from 'node:child_process';

const children = new Set<ChildProcess>();
const undo = new Set<() => Promise<void>>();
let installed = false;

function killChildren(): void {
  for (const child of children) child.kill('SIGKILL');
}

function install(): void {
  if (installed) return;
  installed = true;
  process.once('exit', killChildren);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killChildren();
      const timeout = new Promise((resolve) => setTimeout(resolve, 10_000).unref());
      void Promise.race([Promise.allSettled([...undo].map((task) => task())), timeout]).finally(() => process.exit(130));
    });
  }
}

/** Kills `child` if the bench is interrupted or exits while it still runs. */
export function trackChild(child: ChildProcess): void {
  install();
  children.add(child);
  child.once('exit', () => children.delete(child));
}

/** Runs `task` if the bench is interrupted before the returned function is called. */
export function undoOnInterrupt(task: () => Promise<void>): () => void {
  install();
  undo.add(task);
  return () => undo.delete(task);
}
