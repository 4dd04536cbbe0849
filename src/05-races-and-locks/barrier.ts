/**
 * A reusable barrier on shared memory: `parties` threads call wait(); none goes on
 * until all have arrived; then the barrier is ready for the next round.
 *
 * One cell packs the round (generation) and the number arrived so far, so that
 * "which round am I in" and "I have arrived" are one atomic step (read them
 * separately and a slow thread may count itself into the wrong round). The last
 * arrival starts the next generation with 0 arrived and wakes everyone; the others
 * sleep until the generation changes.
 *
 * A wait that times out *breaks* the barrier (as in Python): every waiter, present
 * and future, gets an Error, because the round can no longer complete correctly.
 */
import { deadlineAfter, runAsync, runBlocking, type Waiting } from './atomic-wait.js';
import { attach, attachedHandle, openCells, requireInteger, type Attach, type SharedHandle } from './shared-cells.js';
import { registerRevivable } from '../engine/revivable.js';

/** Plain data naming a Barrier's cells; `Barrier.from(handle)` rebuilds it in a worker. */
export type BarrierHandle = SharedHandle<'Barrier'>;

/** Most parties a Barrier supports (the arrival count has 16 bits of the packed cell). */
export const MAX_BARRIER_PARTIES = 0xffff;

const ROUND = 0; // generation << 16 | arrived
const PARTIES = 1;
const BROKEN = 2;
const CELLS = 3;

const ARRIVED_BITS = 16;
const ARRIVED_MASK = 0xffff;

/** Thrown by Barrier.wait once a wait timed out: the barrier cannot be used any more. */
export class BrokenBarrierError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BrokenBarrierError';
  }
}

export class Barrier {
  /** Send this to a worker; rebuild there with `Barrier.from`. */
  readonly handle: BarrierHandle;
  readonly #cells: Int32Array;

  /** A barrier for `parties` threads (an integer from 1 to MAX_BARRIER_PARTIES). */
  constructor(parties: number);
  constructor(parties: number | Attach<BarrierHandle>) {
    const existing = attachedHandle<BarrierHandle>(parties);
    if (existing === undefined) {
      requireInteger(parties, 'parties', 1);
      if ((parties as number) > MAX_BARRIER_PARTIES) {
        throw new RangeError(`parties must be at most ${MAX_BARRIER_PARTIES}, got ${String(parties)}`);
      }
    }
    ({ handle: this.handle, cells: this.#cells } = openCells<BarrierHandle>(parties, 'Barrier', CELLS));
    if (existing === undefined) Atomics.store(this.#cells, PARTIES, parties as number);
  }

  /** The same barrier, seen from this thread. */
  static from(handle: BarrierHandle): Barrier {
    return new Barrier(attach(handle) as never);
  }

  /**
   * Arrives and blocks this thread until all parties have arrived (workers only).
   * Returns the arrival index in this round: 0 for the first, parties - 1 for the
   * last. Throws BrokenBarrierError if `timeout` ms pass first (or another wait did).
   */
  wait(timeout?: number): number {
    return runBlocking(this.#waitSteps(deadlineAfter(timeout)), 'Barrier.wait()', 'await barrier.waitAsync()');
  }

  /** Like wait(), without blocking the event loop. */
  waitAsync(timeout?: number): Promise<number> {
    return runAsync(() => this.#waitSteps(deadlineAfter(timeout)));
  }

  get parties(): number {
    return Atomics.load(this.#cells, PARTIES);
  }

  /** Parties arrived in the current round so far (a snapshot). */
  get arrived(): number {
    return Atomics.load(this.#cells, ROUND) & ARRIVED_MASK;
  }

  get broken(): boolean {
    return Atomics.load(this.#cells, BROKEN) === 1;
  }

  *#waitSteps(deadline: number): Waiting<number> {
    this.#refuseIfBroken();
    const parties = this.parties;
    const generation = this.#arrive(parties);
    const index = generation.arrivedBefore;
    if (index === parties - 1) return index;
    for (;;) {
      const round = Atomics.load(this.#cells, ROUND);
      if (round >>> ARRIVED_BITS !== generation.number) return index;
      this.#refuseIfBroken();
      const outcome = yield { cells: this.#cells, index: ROUND, expected: round, deadline };
      if (outcome === 'timed-out' && Atomics.load(this.#cells, ROUND) >>> ARRIVED_BITS === generation.number) {
        Atomics.store(this.#cells, BROKEN, 1);
        Atomics.notify(this.#cells, ROUND);
        throw new BrokenBarrierError(`Barrier.wait() timed out with ${index + 1} of ${parties} arrived; the barrier is now broken`);
      }
    }
  }

  /** Counts this thread in, atomically with reading the round; the last one starts the next round. */
  #arrive(parties: number): { number: number; arrivedBefore: number } {
    for (;;) {
      const round = Atomics.load(this.#cells, ROUND);
      const generation = round >>> ARRIVED_BITS;
      const arrived = round & ARRIVED_MASK;
      const last = arrived === parties - 1;
      const next = last ? ((generation + 1) & 0x7fff) << ARRIVED_BITS : round + 1;
      if (Atomics.compareExchange(this.#cells, ROUND, round, next) === round) {
        if (last) Atomics.notify(this.#cells, ROUND);
        return { number: generation, arrivedBefore: arrived };
      }
    }
  }

  #refuseIfBroken(): void {
    if (this.broken) throw new BrokenBarrierError('Barrier.wait(): the barrier is broken (an earlier wait timed out)');
  }
}

// A Barrier given to a Thread or Process arrives as its handle and is rebuilt there with Barrier.from.
registerRevivable('Barrier', { module: import.meta.url, export: 'Barrier', method: 'from' });
