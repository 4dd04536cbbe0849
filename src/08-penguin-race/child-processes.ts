/**
 * Ending child processes for sure: a child that said goodbye gets a moment to
 * leave by itself; any other, or one still there after that moment, is killed
 * (SIGKILL); then wait for every exit. Shared by the processes and net runtimes.
 */
import type { ChildProcess } from 'node:child_process';

/** Resolves when `child` has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Ends children: those marked `leaving` (they said goodbye and are exiting by
 * themselves) get `graceMs` to do so; the others, and any still there after
 * the grace, are killed (SIGKILL). Resolves once all are gone.
 */
export async function endChildren(children: ChildProcess[], leaving: boolean[], graceMs: number): Promise<void> {
  const kill = (child: ChildProcess): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  children.forEach((child, index) => leaving[index] || kill(child));
  let timer: NodeJS.Timeout | undefined;
  const all = Promise.all(children.map(exited));
  await Promise.race([all, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
  clearTimeout(timer);
  children.forEach(kill);
  await all;
}
