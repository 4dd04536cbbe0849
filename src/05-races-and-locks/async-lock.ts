/**
 * Mutual exclusion between async tasks on ONE thread (pitfall 3: a race needs no
 * second thread, only an `await` between a check and an act).
 *
 * AsyncSemaphore holds `permits` and a FIFO queue of waiting tasks. Releasing hands
 * the permit straight to the first waiter (no "barging": a task that arrives later
 * cannot overtake the queue), so every waiter is served in order. AsyncLock is an
 * AsyncSemaphore with one permit.
 *
 * `acquire()` resolves to a release function: call it exactly once (a second call
 * throws, it would hand out a permit nobody returned). `runExclusive(fn)` does the
 * acquire/try/finally/release for you. A wait may be bounded by `timeout` (ms) or
 * canceled by an AbortSignal; a given-up wait leaves the queue and costs nothing.
 */
import { requireInteger } from './shared-cells.js';
import { deadlineAfter } from './atomic-wait.js';

/** Bounds on one wait for a permit. */
export interface AcquireOptions {
  /** Give up after this many milliseconds: the promise rejects with an AcquireTimeoutError. */
  timeout?: number;
  /** Give up when this signal aborts: the promise rejects with `signal.reason`. */
  signal?: AbortSignal;
}

/** Gives the permit back. Call it once. */
export type Release = () => void;

/** The error an acquire rejects with when its timeout passes. */
export class AcquireTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AcquireTimeoutError';
  }
}

interface Waiter {
  grant(): void;
}

export class AsyncSemaphore {
  #available: number;
  readonly #queue: Waiter[] = [];
  readonly #label: string;

  /** A semaphore with `permits` free permits (an integer >= 0). */
  constructor(permits: number, label = 'AsyncSemaphore') {
    this.#available = requireInteger(permits, 'permits', 0);
    this.#label = label;
  }

  /** Free permits now. */
  get available(): number {
    return this.#available;
  }

  /** Tasks waiting for a permit now. */
  get pendingCount(): number {
    return this.#queue.length;
  }

  /** A permit now if one is free and nobody queues before us; otherwise undefined. */
  tryAcquire(): Release | undefined {
    if (this.#available === 0 || this.#queue.length > 0) return undefined;
    this.#available--;
    return this.#releaser();
  }

  /** Waits (in FIFO order) for a permit; resolves to its release function. */
  acquire(options: AcquireOptions = {}): Promise<Release> {
    const { timeout, signal } = options;
    try {
      deadlineAfter(timeout); // only to check it
    } catch (error) {
      return Promise.reject(error);
    }
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      return Promise.reject(new TypeError(`signal must be an AbortSignal, got ${String(signal)}`));
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    const now = this.tryAcquire();
    if (now) return Promise.resolve(now);

    return new Promise<Release>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const leave = (): void => {
        const position = this.#queue.indexOf(waiter);
        if (position >= 0) this.#queue.splice(position, 1);
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = (): void => {
        leave();
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        grant: () => {
          leave();
          resolve(this.#releaser());
        },
      };
      this.#queue.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (timeout !== undefined && timeout !== Infinity) {
        timer = setTimeout(() => {
          leave();
          reject(new AcquireTimeoutError(`${this.#label}.acquire() timed out after ${timeout} ms`));
        }, timeout);
      }
    });
  }

  /** Runs `fn` holding a permit, and gives it back however `fn` ends. */
  async runExclusive<T>(fn: () => T | Promise<T>, options?: AcquireOptions): Promise<T> {
    if (typeof fn !== 'function') throw new TypeError(`fn must be a function, got ${String(fn)}`);
    const release = await this.acquire(options);
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /** A release function that works once. */
  #releaser(): Release {
    let released = false;
    return () => {
      if (released) throw new Error(`${this.#label}: this permit was already released`);
      released = true;
      const next = this.#queue[0];
      if (next)
        next.grant(); // hand the permit over: #available stays the same
      else this.#available++;
    };
  }
}

export class AsyncLock {
  readonly #semaphore = new AsyncSemaphore(1, 'AsyncLock');

  /** Whether some task holds the lock now. */
  get isLocked(): boolean {
    return this.#semaphore.available === 0;
  }

  /** Tasks waiting for the lock now. */
  get pendingCount(): number {
    return this.#semaphore.pendingCount;
  }

  /** Waits (FIFO) for the lock; resolves to its release function. */
  acquire(options?: AcquireOptions): Promise<Release> {
    return this.#semaphore.acquire(options);
  }

  /** The lock now if it is free and nobody is queued; otherwise undefined. */
  tryAcquire(): Release | undefined {
    return this.#semaphore.tryAcquire();
  }

  /** Runs `fn` holding the lock, and releases it however `fn` ends. */
  runExclusive<T>(fn: () => T | Promise<T>, options?: AcquireOptions): Promise<T> {
    return this.#semaphore.runExclusive(fn, options);
  }
}
