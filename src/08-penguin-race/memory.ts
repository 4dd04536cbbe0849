/**
 * Resident memory of child processes, read from /proc (Linux). Elsewhere it
 * reads as 0: the figure is for comparing runtimes, not for accounting.
 */
import { processInfo } from '../engine/process-tree.js';

/** Resident set size of process `pid` in bytes (0 when unknown or gone). */
export function residentBytes(pid: number): number {
  return processInfo(pid)?.rssBytes ?? 0;
}

/** Sum of the resident memory of `pids`, in bytes. */
export function residentBytesOf(pids: Iterable<number | undefined>): number {
  let total = 0;
  for (const pid of pids) if (pid !== undefined) total += residentBytes(pid);
  return total;
}
