/**
 * What the unit 05 labs share: a team of worker threads steered through shared
 * memory, and a way for the main thread to wait on that memory WITHOUT blocking.
 *
 * The main thread is the notebook kernel (pitfall 4): it never calls
 * `Atomics.wait`. It waits with `Atomics.waitAsync` on a "wake" cell that the
 * workers bump and notify whenever something changes, always with a deadline, and
 * stops waiting at once if a worker crashes. Whatever happens, `end()` terminates
 * every worker (a worker blocked in `Atomics.wait` or spinning in a loop is
 * stopped too), so a lab never leaves a thread behind.
 */
import { Worker } from 'node:worker_threads';
import { compiledEntry } from '../../paths.js';
import { waitAsync } from '../atomic-wait.js';

/** A lab did not finish within its time bound (its workers were ended). */
export class LabTimeoutError extends Error {
  override readonly name = 'LabTimeoutError';
}

/** A lab's worker crashed or exited before the lab was over. */
export class LabWorkerError extends Error {
  override readonly name = 'LabWorkerError';
}

/** Longest single sleep while waiting: a missed notify costs at most this much. */
const POLL_MS = 50;

/** Workers started from one compiled module of this folder, ended together. */
export class LabWorkers {
  readonly workers: Worker[];
  /** Rejects (with a LabWorkerError) as soon as a worker fails or exits before `end()`. */
  readonly failure: Promise<never>;
  readonly #wake: { cells: Int32Array; index: number };
  #ending = false;

  /**
   * Starts `count` workers running `entry` (a file under src/, run from its
   * compiled copy in dist/), each with `dataFor(index)` as workerData.
   * `wake` is the cell the workers notify when something changes.
   */
  constructor(entry: string, count: number, dataFor: (index: number) => unknown, wake: { cells: Int32Array; index: number }) {
    const file = compiledEntry(entry);
    this.#wake = wake;
    // execArgv: [] so workers do not inherit loaders such as tsx: they run compiled JS and start fast.
    this.workers = Array.from({ length: count }, (_, index) => new Worker(file, { workerData: dataFor(index), execArgv: [] }));
    this.failure = new Promise<never>((_, reject) => {
      this.workers.forEach((worker, index) => {
        worker.on('error', (error) => {
          if (!this.#ending) reject(new LabWorkerError(`worker ${index} failed: ${error.stack ?? String(error)}`));
        });
        worker.on('exit', (code) => {
          if (!this.#ending) reject(new LabWorkerError(`worker ${index} exited (code ${code}) before the lab was over`));
        });
      });
    });
    this.failure.catch(() => {}); // reported through waitFor, not as an unhandled rejection
  }

  /** The workers' thread ids (worker_threads `threadId`), in worker order. */
  get threadIds(): number[] {
    return this.workers.map((worker) => worker.threadId);
  }

  /**
   * Resolves once `done()` is true. Sleeps on the wake cell with
   * `Atomics.waitAsync` (never blocking the event loop), re-checking at least
   * every `pollMs` (default POLL_MS; shorter when `done` watches memory nobody
   * notifies). Rejects with a LabTimeoutError after `deadline` (a
   * performance.now() time) and with a LabWorkerError if a worker fails.
   */
  async waitFor(done: () => boolean, deadline: number, what: string, pollMs = POLL_MS): Promise<void> {
    const { cells, index } = this.#wake;
    for (;;) {
      const seen = Atomics.load(cells, index);
      if (done()) return;
      const left = deadline - performance.now();
      if (left <= 0) throw new LabTimeoutError(`timed out waiting for ${what}`);
      const wait = waitAsync(cells, index, seen, Math.min(left, pollMs));
      if (wait.async) await Promise.race([wait.value, this.failure]);
    }
  }

  /** Terminates every worker (also ones blocked in Atomics.wait) and resolves when all are gone. */
  async end(): Promise<void> {
    this.#ending = true;
    await Promise.all(this.workers.map((worker) => worker.terminate()));
    // Wake any waitAsync still pending on the wake cell, so nothing is left waiting.
    Atomics.notify(this.#wake.cells, this.#wake.index);
  }
}

/** Bumps a wake cell and wakes whoever waits on it (worker side of LabWorkers.waitFor). */
export function signalChange(cells: Int32Array, index: number): void {
  Atomics.add(cells, index, 1);
  Atomics.notify(cells, index);
}

/** The median of some numbers (NaN for none). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
