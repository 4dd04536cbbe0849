/**
 * A condition variable on shared memory, bound to a Lock.
 *
 * `wait()` must be called holding the lock. It reads a *sequence counter*, releases
 * the lock, and sleeps only while the counter still has the value it read; then it
 * re-takes the lock. `notify()` (also under the lock) bumps the counter before
 * waking. So a notify that happens between "release the lock" and "fall asleep" is
 * not lost: the counter has moved, and the sleep returns at once.
 *
 * A wake-up is a hint, not a promise: notify(1) may wake more than one waiter,
 * another thread may get the lock first and change the state, and a wait may time
 * out. So callers always re-check their condition in a loop:
 *
 *     lock.acquire();
 *     while (count === 0) notEmpty.wait();   // never `if`
 *     ... take an item ...
 *     lock.release();
 *
 * `waitFor(predicate)` is that loop, written once.
 */
import { deadlineAfter, remainingMs, runAsync, runBlocking, type WaitOutcome, type Waiting } from './atomic-wait.js';
import { allocateHandle, attach, attachedHandle, openCells, type Attach, type SharedHandle } from './shared-cells.js';
import { Lock, type LockHandle } from './shared-lock.js';
import { registerRevivable } from '../engine/revivable.js';

/** Plain data naming a Condition's cells and its lock; `Condition.from(handle)` rebuilds both. */
export interface ConditionHandle extends SharedHandle<'Condition'> {
  readonly lock: LockHandle;
}

const SEQUENCE = 0;
const WAITERS = 1;
const CELLS = 2;

export class Condition {
  /** Send this to a worker; rebuild there with `Condition.from`. */
  readonly handle: ConditionHandle;
  /** The lock this condition is bound to. */
  readonly lock: Lock;
  readonly #cells: Int32Array;

  /** A condition variable bound to `lock` (a new Lock if none is given). */
  constructor(lock?: Lock);
  constructor(lockOrExisting?: Lock | Attach<ConditionHandle>) {
    const existing = attachedHandle<ConditionHandle>(lockOrExisting);
    if (existing === undefined && lockOrExisting !== undefined && !(lockOrExisting instanceof Lock)) {
      throw new TypeError(`lock must be a Lock, got ${String(lockOrExisting)}`);
    }
    // A new condition makes (or takes) its lock first: the lock's handle is part of its own.
    const lock = existing ? Lock.from(existing.lock) : ((lockOrExisting as Lock | undefined) ?? new Lock());
    this.lock = lock;
    ({ handle: this.handle, cells: this.#cells } = openCells<ConditionHandle>(lockOrExisting, 'Condition', CELLS, () => ({
      ...allocateHandle('Condition', CELLS),
      lock: lock.handle,
    })));
  }

  /** The same condition (and its lock), seen from this thread. */
  static from(handle: ConditionHandle): Condition {
    return new Condition(attach(handle) as never);
  }

  /**
   * Releases the lock, sleeps until notified (or `timeout` ms), re-takes the lock.
   * Returns false if it timed out. Workers only (main thread: waitAsync).
   * The lock must be held. Re-check your condition afterwards, in a loop.
   */
  wait(timeout?: number): boolean {
    return runBlocking(this.#waitSteps(deadlineAfter(timeout), 'wait'), 'Condition.wait()', 'await condition.waitAsync()');
  }

  /** Like wait(), without blocking the event loop. */
  waitAsync(timeout?: number): Promise<boolean> {
    return runAsync(() => this.#waitSteps(deadlineAfter(timeout), 'waitAsync'));
  }

  /**
   * Waits until `predicate()` holds (checked under the lock, before each wait and
   * after each wake-up). Returns its last result: false only if `timeout` ran out.
   */
  waitFor(predicate: () => boolean, timeout?: number): boolean {
    const deadline = deadlineAfter(timeout);
    while (!predicate()) {
      if (!this.wait(remainingMs(deadline))) return predicate();
    }
    return true;
  }

  /** Like waitFor(), without blocking the event loop. */
  async waitForAsync(predicate: () => boolean, timeout?: number): Promise<boolean> {
    const deadline = deadlineAfter(timeout);
    while (!predicate()) {
      if (!(await this.waitAsync(remainingMs(deadline)))) return predicate();
    }
    return true;
  }

  /** Wakes up to `count` waiters (default 1). The lock must be held. */
  notify(count = 1): void {
    if (!(count === Infinity || (Number.isInteger(count) && count >= 1))) {
      throw new RangeError(`count must be an integer >= 1 (or Infinity), got ${String(count)}`);
    }
    this.#requireLock('notify');
    Atomics.add(this.#cells, SEQUENCE, 1);
    if (Atomics.load(this.#cells, WAITERS) > 0) Atomics.notify(this.#cells, SEQUENCE, count);
  }

  /** Wakes every waiter. The lock must be held. */
  notifyAll(): void {
    this.notify(Infinity);
  }

  /** Waits in progress now (a snapshot). */
  get waiterCount(): number {
    return Atomics.load(this.#cells, WAITERS);
  }

  *#waitSteps(deadline: number, method: string): Waiting<boolean> {
    this.#requireLock(method);
    const sequence = Atomics.load(this.#cells, SEQUENCE);
    Atomics.add(this.#cells, WAITERS, 1);
    let outcome: WaitOutcome;
    try {
      this.lock.release();
      outcome = yield { cells: this.#cells, index: SEQUENCE, expected: sequence, deadline };
    } finally {
      Atomics.sub(this.#cells, WAITERS, 1);
    }
    // Re-take the lock whatever happened (also after a timeout), as the caller expects.
    yield* this.lock.acquireSteps(Infinity);
    return outcome !== 'timed-out';
  }

  #requireLock(method: string): void {
    if (!this.lock.isHeldByCurrentThread) {
      throw new Error(`Condition.${method}(): the condition's lock must be held by this thread (acquire it first)`);
    }
  }
}

// A Condition given to a Thread or Process arrives as its handle and is rebuilt there with Condition.from.
registerRevivable('Condition', { module: import.meta.url, export: 'Condition', method: 'from' });
