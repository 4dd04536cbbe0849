/**
 * A mutex built from Atomics on one cell of a SharedArrayBuffer, for worker threads.
 *
 * The cell holds 0 when the mutex is free, or the `ownerId` of the thread that
 * holds it (its threadId + 1). Taking it is one atomic step,
 * `Atomics.compareExchange(cell, index, 0, ownerId)`: of several threads trying at
 * once, exactly one sees 0 and wins. The others sleep in `Atomics.wait` until the
 * holder's `unlock` stores 0 and wakes one of them with `Atomics.notify`; a woken
 * thread must try the compareExchange AGAIN (another thread may have been faster).
 *
 * The tempting version, "wait until the cell is 0, then store my id", lets two
 * threads in: both see 0 before either stores (pitfall 5 of the course).
 *
 * `lock` blocks its thread. On the main thread that freezes the event loop
 * (pitfall 4), so block only in workers; the main thread uses tryLock, or lock(0).
 */
import { threadId } from 'node:worker_threads';

/** What a worker needs to rebuild the same mutex: `Mutex.from(handle)`. */
export interface MutexHandle {
  buffer: SharedArrayBuffer;
  index: number;
}

export class Mutex {
  /** The shared cells; this mutex is `cells[index]`. */
  readonly cells: Int32Array;
  readonly index: number;
  /** What this thread stores in the cell while it holds the mutex (never 0). */
  readonly ownerId: number;

  /** The mutex in `cells[index]`, where `cells` views a SharedArrayBuffer. */
  constructor(cells: Int32Array, index = 0) {
    if (!(cells instanceof Int32Array) || !(cells.buffer instanceof SharedArrayBuffer)) {
      throw new TypeError('cells must be an Int32Array on a SharedArrayBuffer');
    }
    if (!Number.isInteger(index) || index < 0 || index >= cells.length) {
      throw new RangeError(`index must be an integer in 0..${cells.length - 1}, got ${String(index)}`);
    }
    this.cells = cells;
    this.index = index;
    this.ownerId = threadId + 1;
  }

  /** A new, free mutex in a buffer of its own. */
  static create(): Mutex {
    return new Mutex(new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT)));
  }

  /** Rebuilds, in another thread, the mutex whose `handle` was posted to it. */
  static from(handle: MutexHandle): Mutex {
    return new Mutex(new Int32Array(handle.buffer), handle.index);
  }

  /** Post this to a worker (the buffer is shared, not copied). */
  get handle(): MutexHandle {
    return { buffer: this.cells.buffer as SharedArrayBuffer, index: this.index };
  }

  /** The ownerId of the thread holding the mutex now, or 0 when it is free. */
  get holder(): number {
    return Atomics.load(this.cells, this.index);
  }

  /**
   * Takes the mutex, waiting up to `timeoutMs` (default: forever) while another
   * thread holds it. Returns true once held, false if the time ran out. Throws if
   * this thread already holds it (it would wait for itself forever).
   */
  lock(timeoutMs = Infinity): boolean {
    if (!(timeoutMs >= 0)) throw new RangeError(`timeoutMs must be >= 0, got ${String(timeoutMs)}`);
    throw new Error('Not implemented yet: mutex — see README.md and the hints (npm run learn)');
  }

  /** Takes the mutex if it is free now, without waiting; returns whether it did. */
  tryLock(): boolean {
    throw new Error('Not implemented yet: mutex — see README.md and the hints (npm run learn)');
  }

  /** Releases the mutex and wakes one waiting thread. Throws unless this thread holds it. */
  unlock(): void {
    throw new Error('Not implemented yet: mutex — see README.md and the hints (npm run learn)');
  }
}
