/**
 * A mutex on shared memory: the classic three-state futex lock.
 *
 * The state cell holds 0 (free), 1 (locked) or 2 (locked, and someone may be
 * sleeping). Taking the lock is one `compareExchange(0 → 1)`; whoever fails marks
 * the lock 2 with `exchange` and sleeps while it stays 2. The one releasing sees
 * the 2, frees the cell and wakes one sleeper, which *re-checks* (another thread
 * may have taken the lock in between): a loop, never "wake up and assume".
 * "wait, then store 1" instead of compareExchange would let two threads in
 * (pitfall 5).
 *
 * Next to the state the lock keeps, also in shared memory, who holds it and who is
 * waiting (thread ids), so a deadlock lab can draw a wait-for graph.
 * The lock belongs to a *thread*: not re-entrant, and only the holder releases.
 * For async tasks on one thread use AsyncLock instead.
 */
import { runAsync, runBlocking, deadlineAfter, type Waiting } from './atomic-wait.js';
import {
  attach,
  openCells,
  refuseReentry,
  refuseReleaseByOther,
  selfTag,
  threadOfTag,
  type Attach,
  type SharedHandle,
} from './shared-cells.js';
import { registerRevivable } from '../engine/revivable.js';

/** Plain data naming a Lock's cells; `Lock.from(handle)` rebuilds it in a worker. */
export type LockHandle = SharedHandle<'Lock'>;

/** How many waiting threads a Lock records by id (more still wait, they are only counted). */
export const LOCK_WAITER_SLOTS = 16;

const STATE = 0;
const HOLDER = 1;
const WAITER_COUNT = 2;
const FIRST_WAITER_SLOT = 3;
const CELLS = FIRST_WAITER_SLOT + LOCK_WAITER_SLOTS;

const FREE = 0;
const LOCKED = 1;
const CONTENDED = 2;

export class Lock {
  /** Send this to a worker (postMessage / workerData); rebuild there with `Lock.from`. */
  readonly handle: LockHandle;
  readonly #cells: Int32Array;

  /** A new, free lock in its own SharedArrayBuffer. (The argument is how `Lock.from` attaches: leave it out.) */
  constructor(existing?: Attach<LockHandle>) {
    ({ handle: this.handle, cells: this.#cells } = openCells<LockHandle>(existing, 'Lock', CELLS));
  }

  /** The same lock, seen from this thread (e.g. in a worker that received `lock.handle`). */
  static from(handle: LockHandle): Lock {
    return new Lock(attach(handle));
  }

  /**
   * Takes the lock, blocking this thread until it is free. Workers only (see
   * acquireAsync for the main thread). Returns false if `timeout` ms pass first.
   * Throws if this thread already holds it (not re-entrant).
   */
  acquire(timeout?: number): boolean {
    return runBlocking(this.acquireSteps(deadlineAfter(timeout)), 'Lock.acquire()', 'await lock.acquireAsync()');
  }

  /** Takes the lock without blocking the event loop (any thread). Resolves false on timeout. */
  acquireAsync(timeout?: number): Promise<boolean> {
    return runAsync(() => this.acquireSteps(deadlineAfter(timeout)));
  }

  /** Takes the lock if it is free right now; never waits. */
  tryAcquire(): boolean {
    refuseReentry(this.#cells, HOLDER, 'Lock.tryAcquire()');
    if (Atomics.compareExchange(this.#cells, STATE, FREE, LOCKED) !== FREE) return false;
    Atomics.store(this.#cells, HOLDER, selfTag);
    return true;
  }

  /** Frees the lock and wakes one waiter. Only the holding thread may release. */
  release(): void {
    refuseReleaseByOther(this.#cells, HOLDER, 'Lock');
    Atomics.store(this.#cells, HOLDER, 0);
    // 1 → 0: nobody sleeps. 2 → 1 means someone may sleep: free the cell and wake one.
    if (Atomics.sub(this.#cells, STATE, 1) !== LOCKED) {
      Atomics.store(this.#cells, STATE, FREE);
      Atomics.notify(this.#cells, STATE, 1);
    }
  }

  /** Whether some thread holds the lock now (a snapshot: it may change at once). */
  get locked(): boolean {
    return Atomics.load(this.#cells, STATE) !== FREE;
  }

  /** The thread id (worker_threads `threadId`, 0 = main) of the holder, or undefined. */
  get holder(): number | undefined {
    return threadOfTag(Atomics.load(this.#cells, HOLDER));
  }

  /** Whether the calling thread holds the lock. */
  get isHeldByCurrentThread(): boolean {
    return Atomics.load(this.#cells, HOLDER) === selfTag;
  }

  /**
   * Thread ids waiting for the lock now (the first LOCK_WAITER_SLOTS of them;
   * a thread may appear twice if it waits asynchronously twice).
   */
  get waiters(): number[] {
    const ids: number[] = [];
    for (let slot = FIRST_WAITER_SLOT; slot < CELLS; slot++) {
      const id = threadOfTag(Atomics.load(this.#cells, slot));
      if (id !== undefined) ids.push(id);
    }
    return ids;
  }

  /** How many waits are in progress (all of them, recorded by id or not). */
  get waiterCount(): number {
    return Atomics.load(this.#cells, WAITER_COUNT);
  }

  /**
   * The acquire algorithm, for acquire/acquireAsync and for Condition (which
   * re-takes its lock after a wait). Not meant to be called directly.
   * @internal
   */
  *acquireSteps(deadline: number): Waiting<boolean> {
    refuseReentry(this.#cells, HOLDER, 'Lock.acquire()');
    if (Atomics.compareExchange(this.#cells, STATE, FREE, LOCKED) === FREE) {
      Atomics.store(this.#cells, HOLDER, selfTag);
      return true;
    }
    const slot = this.#recordWaiter();
    try {
      // Mark "contended" and look at what was there: FREE means we just took it.
      while (Atomics.exchange(this.#cells, STATE, CONTENDED) !== FREE) {
        const outcome = yield { cells: this.#cells, index: STATE, expected: CONTENDED, deadline };
        if (outcome === 'timed-out') return false;
      }
    } finally {
      this.#forgetWaiter(slot);
    }
    Atomics.store(this.#cells, HOLDER, selfTag);
    return true;
  }

  /** Counts this wait and writes this thread's id into a free slot (-1 if none is free). */
  #recordWaiter(): number {
    Atomics.add(this.#cells, WAITER_COUNT, 1);
    for (let slot = FIRST_WAITER_SLOT; slot < CELLS; slot++) {
      if (Atomics.compareExchange(this.#cells, slot, 0, selfTag) === 0) return slot;
    }
    return -1;
  }

  #forgetWaiter(slot: number): void {
    if (slot >= 0) Atomics.store(this.#cells, slot, 0);
    Atomics.sub(this.#cells, WAITER_COUNT, 1);
  }
}

// A Lock given to a Thread or Process arrives as its handle and is rebuilt there with Lock.from.
registerRevivable('Lock', { module: import.meta.url, export: 'Lock', method: 'from' });
