/**
 * An unfair lock, on purpose: test-and-set, spin a little, then sleep.
 *
 * To take it, a thread flips the cell from 0 to 1 with compareExchange ("test
 * and set"), trying a few times in a row (spinning), then naps (sleeps until the
 * cell changes, 1 ms at most) and tries again. Releasing wakes one sleeper and
 * sets the cell to 0. Nothing remembers who came first: a thread that releases
 * and at once wants the lock again flips the cell back to 1 long before the
 * woken sleeper has even started running (waking a thread takes tens of
 * microseconds; a compareExchange, nanoseconds). The sleeper finds the lock
 * taken and naps again. Run a few threads that do nothing but take and release
 * it, and one of them gets nearly every turn while the others starve. Still a
 * correct lock (one holder at a time, compareExchange sees to that); just not a
 * fair one. The TicketLock is the fair answer.
 */
import { deadlineAfter, runAsync, runBlocking, type Waiting } from '../05-races-and-locks/atomic-wait.js';
import {
  attach,
  openCells,
  refuseReentry,
  selfTag,
  threadOfTag,
  type Attach,
  type SharedHandle,
} from '../05-races-and-locks/shared-cells.js';

/** Plain data naming a TestAndSetLock's cells; `TestAndSetLock.from(handle)` rebuilds it in a worker. */
export type TestAndSetLockHandle = SharedHandle<'TestAndSetLock'>;

const STATE = 0;
const HOLDER = 1;
const SLEEPERS = 2;
const CELLS = 3;
/** compareExchange attempts before sleeping. */
const SPINS = 10;
/** Longest nap between two tries once spinning failed (ms). */
const NAP_MS = 1;

export class TestAndSetLock {
  readonly handle: TestAndSetLockHandle;
  readonly #cells: Int32Array;

  /** A new, free lock. (The argument is how `TestAndSetLock.from` attaches: leave it out.) */
  constructor(existing?: Attach<TestAndSetLockHandle>) {
    ({ handle: this.handle, cells: this.#cells } = openCells<TestAndSetLockHandle>(existing, 'TestAndSetLock', CELLS));
  }

  static from(handle: TestAndSetLockHandle): TestAndSetLock {
    return new TestAndSetLock(attach(handle));
  }

  /** Takes the lock, blocking this thread (workers only). False if `timeout` ms pass first. */
  acquire(timeout?: number): boolean {
    return runBlocking(this.#acquireSteps(deadlineAfter(timeout)), 'TestAndSetLock.acquire()', 'await lock.acquireAsync()');
  }

  /** Takes the lock without blocking the event loop. Resolves false on timeout. */
  acquireAsync(timeout?: number): Promise<boolean> {
    return runAsync(() => this.#acquireSteps(deadlineAfter(timeout)));
  }

  /** One test-and-set: takes the lock if it is free right now. */
  tryAcquire(): boolean {
    refuseReentry(this.#cells, HOLDER, 'TestAndSetLock.tryAcquire()');
    if (Atomics.compareExchange(this.#cells, STATE, 0, 1) !== 0) return false;
    Atomics.store(this.#cells, HOLDER, selfTag);
    return true;
  }

  /** Frees the lock and wakes one sleeper (who may well find it taken again). */
  release(): void {
    if (Atomics.load(this.#cells, HOLDER) !== selfTag) {
      throw new Error('TestAndSetLock.release(): this thread does not hold the lock');
    }
    Atomics.store(this.#cells, HOLDER, 0);
    // Wake first, free second: the woken thread needs tens of microseconds to run,
    // while this thread's next compareExchange, if it wants the lock back, needs
    // nanoseconds. (A sleeper that misses this wake-up naps at most NAP_MS.)
    if (Atomics.load(this.#cells, SLEEPERS) > 0) Atomics.notify(this.#cells, STATE, 1);
    Atomics.store(this.#cells, STATE, 0);
  }

  get locked(): boolean {
    return Atomics.load(this.#cells, STATE) !== 0;
  }

  /** The thread id of the holder, or undefined. */
  get holder(): number | undefined {
    return threadOfTag(Atomics.load(this.#cells, HOLDER));
  }

  *#acquireSteps(deadline: number): Waiting<boolean> {
    for (let spin = 0; spin < SPINS; spin++) {
      if (this.tryAcquire()) return true;
    }
    Atomics.add(this.#cells, SLEEPERS, 1);
    try {
      while (!this.tryAcquire()) {
        const nap = Math.min(deadline, performance.now() + NAP_MS);
        const outcome = yield { cells: this.#cells, index: STATE, expected: 1, deadline: nap };
        if (outcome === 'timed-out' && performance.now() >= deadline) return this.tryAcquire();
      }
      return true;
    } finally {
      Atomics.sub(this.#cells, SLEEPERS, 1);
    }
  }
}
