/**
 * One unit of work inside the pool, and the call (map, apply, imap...) it
 * belongs to. A task is a function number plus a payload: the arguments of one
 * call, or a chunk of items to map over. The call is told when each of its tasks
 * succeeds or fails, and a call can be canceled as a whole.
 */
import type { FunctionEntry } from './functions.js';

/** A public call (e.g. one `pool.map(...)`) that owns some tasks. */
export interface TaskOwner {
  /** True once the call no longer wants results (aborted, timed out, or already failed). */
  readonly canceled: boolean;
  /** Names task number `index` of this call in error messages, e.g. "task 3 of map(square)". */
  describe(index: number): string;
  succeeded(task: PendingTask, value: unknown): void;
  failed(task: PendingTask, error: unknown): void;
}

export interface PendingTask {
  readonly fn: FunctionEntry;
  /** Arguments of one call, or the items of a chunk. */
  readonly payload: unknown[];
  /** True when `payload` is a chunk of items, each passed to `fn` on its own. */
  readonly chunked: boolean;
  readonly owner: TaskOwner;
  /** Position of this task in its call (results are put back in this order). */
  readonly index: number;
  /** Times a worker crashed while running this task. */
  attempts: number;
  /** Must be sent on its own (to find which task of a crashed batch was the culprit). */
  alone: boolean;
  /** True once its owner has been told the outcome: later news about it is ignored. */
  settled: boolean;
}

export function createTask(owner: TaskOwner, fn: FunctionEntry, index: number, payload: unknown[], chunked: boolean): PendingTask {
  return { fn, payload, chunked, owner, index, attempts: 0, alone: false, settled: false };
}

/** Tells the task's owner it succeeded (once; later news about the task is ignored). */
export function resolveTask(task: PendingTask, value: unknown): void {
  if (task.settled) return;
  task.settled = true;
  task.owner.succeeded(task, value);
}

/** Tells the task's owner it failed (once). */
export function rejectTask(task: PendingTask, error: unknown): void {
  if (task.settled) return;
  task.settled = true;
  task.owner.failed(task, error);
}
