/**
 * A counting semaphore on shared memory: a cell holds the number of free permits.
 *
 * Taking a permit is a compareExchange loop (count → count - 1, only while
 * count > 0). With no permit left, a thread sleeps while the cell is 0 and tries
 * again when woken: another thread may have taken the permit first. Releasing adds
 * permits and wakes as many sleepers. A second cell counts sleepers, so a release
 * with nobody waiting skips the notify.
 */
import { deadlineAfter, runAsync, runBlocking, type Waiting } from './atomic-wait.js';
import { attach, attachedHandle, openCells, requireInteger, type Attach, type SharedHandle } from './shared-cells.js';
import { registerRevivable } from '../engine/revivable.js';

/** Plain data naming a Semaphore's cells; `Semaphore.from(handle)` rebuilds it in a worker. */
export type SemaphoreHandle = SharedHandle<'Semaphore'>;

const PERMITS = 0;
const WAITERS = 1;
const CELLS = 2;

export class Semaphore {
  /** Send this to a worker; rebuild there with `Semaphore.from`. */
  readonly handle: SemaphoreHandle;
  readonly #cells: Int32Array;

  /** A semaphore with `initial` free permits (an integer >= 0). */
  constructor(initial: number);
  constructor(initial: number | Attach<SemaphoreHandle>) {
    if (attachedHandle(initial) === undefined) requireInteger(initial, 'initial', 0);
    const opened = openCells<SemaphoreHandle>(initial, 'Semaphore', CELLS);
    ({ handle: this.handle, cells: this.#cells } = opened);
    if (!opened.attached) Atomics.store(this.#cells, PERMITS, initial as number);
  }

  /** The same semaphore, seen from this thread. */
  static from(handle: SemaphoreHandle): Semaphore {
    return new Semaphore(attach(handle) as never);
  }

  /** Takes a permit, blocking this thread (workers only). Returns false if `timeout` ms pass first. */
  acquire(timeout?: number): boolean {
    return runBlocking(this.#acquireSteps(deadlineAfter(timeout)), 'Semaphore.acquire()', 'await semaphore.acquireAsync()');
  }

  /** Takes a permit without blocking the event loop. Resolves false on timeout. */
  acquireAsync(timeout?: number): Promise<boolean> {
    return runAsync(() => this.#acquireSteps(deadlineAfter(timeout)));
  }

  /** Takes a permit if one is free right now; never waits. */
  tryAcquire(): boolean {
    let permits = Atomics.load(this.#cells, PERMITS);
    while (permits > 0) {
      const seen = Atomics.compareExchange(this.#cells, PERMITS, permits, permits - 1);
      if (seen === permits) return true;
      permits = seen;
    }
    return false;
  }

  /** Returns `count` permits (default 1) and wakes as many waiters. */
  release(count = 1): void {
    requireInteger(count, 'count', 1);
    Atomics.add(this.#cells, PERMITS, count);
    if (Atomics.load(this.#cells, WAITERS) > 0) Atomics.notify(this.#cells, PERMITS, count);
  }

  /** Free permits now (a snapshot). */
  get available(): number {
    return Atomics.load(this.#cells, PERMITS);
  }

  /** Threads (or async waits) waiting for a permit now. */
  get waiterCount(): number {
    return Atomics.load(this.#cells, WAITERS);
  }

  *#acquireSteps(deadline: number): Waiting<boolean> {
    if (this.tryAcquire()) return true;
    // Count ourselves as a sleeper *before* the last look, so a release that adds a
    // permit after that look is sure to notify us.
    Atomics.add(this.#cells, WAITERS, 1);
    try {
      while (!this.tryAcquire()) {
        const outcome = yield { cells: this.#cells, index: PERMITS, expected: 0, deadline };
        if (outcome === 'timed-out') return this.tryAcquire();
      }
      return true;
    } finally {
      Atomics.sub(this.#cells, WAITERS, 1);
    }
  }
}

// A Semaphore given to a Thread or Process arrives as its handle and is rebuilt there with Semaphore.from.
registerRevivable('Semaphore', { module: import.meta.url, export: 'Semaphore', method: 'from' });
