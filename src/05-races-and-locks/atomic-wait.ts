/**
 * Waiting on shared memory, written once and run two ways.
 *
 * Every shared primitive (Lock, Semaphore, Condition, Event, Barrier) is a loop of
 * "look at a cell; if I cannot go on, sleep until that cell changes; look again".
 * The sleeping is the only part that differs between a worker and the main thread:
 * - a worker may block: `Atomics.wait` puts the thread to sleep;
 * - the main thread must not (in a notebook it is the kernel, pitfall 4):
 *   `Atomics.waitAsync` returns a promise and the event loop keeps running.
 *
 * So each algorithm is a generator that *yields* a {@link WaitStep} ("sleep while
 * cells[index] === expected, until deadline") and receives how the sleep ended.
 * {@link runBlocking} drives it with `Atomics.wait`, {@link runAsync} with
 * `Atomics.waitAsync`. One algorithm, no copy-paste, and the re-check after every
 * wake-up is visible in the generator's loop.
 */
import { isMainThread } from 'node:worker_threads';

/** "Sleep while `cells[index] === expected`, but not past `deadline`" (a performance.now() time). */
export interface WaitStep {
  readonly cells: Int32Array;
  readonly index: number;
  readonly expected: number;
  readonly deadline: number;
}

/** How a sleep ended: woken by a notify, the cell already differed, or the deadline passed. */
export type WaitOutcome = 'ok' | 'not-equal' | 'timed-out';

/** An algorithm that may sleep: yields wait steps, is resumed with their outcome, returns R. */
export type Waiting<R> = Generator<WaitStep, R, WaitOutcome>;

/** Milliseconds left until `deadline` (never negative; Infinity stays Infinity). */
export function remainingMs(deadline: number): number {
  return deadline === Infinity ? Infinity : Math.max(0, deadline - performance.now());
}

/**
 * Turns an optional timeout (ms) into a deadline. `undefined` and `Infinity` mean
 * "wait as long as it takes". Anything else must be a number >= 0.
 */
export function deadlineAfter(timeout: number | undefined, name = 'timeout'): number {
  if (timeout === undefined || timeout === Infinity) return Infinity;
  if (typeof timeout !== 'number' || !(timeout >= 0)) {
    throw new RangeError(`${name} must be a number of milliseconds >= 0 (or Infinity), got ${String(timeout)}`);
  }
  return performance.now() + timeout;
}

/**
 * Runs `steps` on this thread with `Atomics.wait`, which blocks the thread.
 * Refused on the main thread, whose event loop (in a notebook, the kernel) would
 * freeze: there, `operation`'s async twin must be used.
 */
export function runBlocking<R>(steps: Waiting<R>, operation: string, asyncTwin: string): R {
  if (isMainThread) {
    steps.return(undefined as never);
    throw new Error(
      `${operation} blocks its thread and is not allowed on the main thread (it would freeze the event loop; ` +
        `in a notebook, the kernel). Use ${asyncTwin} there, or call ${operation} in a worker.`,
    );
  }
  let next = steps.next();
  try {
    while (!next.done) {
      const step = next.value;
      next = steps.next(Atomics.wait(step.cells, step.index, step.expected, remainingMs(step.deadline)));
    }
    return next.value;
  } finally {
    if (!next.done) steps.return(undefined as never);
  }
}

/** `Atomics.waitAsync` is in Node 20 but not in TypeScript's ES2022 library: typed here. */
type WaitAsync = (
  cells: Int32Array,
  index: number,
  expected: number,
  timeout?: number,
) => { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };

export const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/**
 * Runs the steps `start()` returns with `Atomics.waitAsync`: sleeps without
 * blocking the event loop. Whatever `start` throws (a bad timeout, a re-entry)
 * becomes a rejection, as callers of an async method expect.
 */
export async function runAsync<R>(start: () => Waiting<R>): Promise<R> {
  const steps = start();
  let next = steps.next();
  try {
    while (!next.done) {
      const step = next.value;
      const wait = waitAsync(step.cells, step.index, step.expected, remainingMs(step.deadline));
      next = steps.next(wait.async ? await wait.value : wait.value);
    }
    return next.value;
  } finally {
    if (!next.done) steps.return(undefined as never);
  }
}
