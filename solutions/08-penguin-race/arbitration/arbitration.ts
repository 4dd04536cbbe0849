/**
 * The penguin race's server, as a pure class: it owns the state and decides
 * every request, while many async tasks (penguins and flies) call it at once.
 *
 * The seed's server grants each penguin's `request_move` after a simulated
 * network delay, holding its lock the whole time, and flies knock penguins back
 * to the start. Here the delay is `config.delay()`, awaited while an operation
 * is being decided. Whatever happens during those awaits, the outcome must be
 * as if the operations had run one at a time, in the order of their `seq`
 * numbers: the tests replay every reply in `seq` order on a simple model and
 * compare.
 */
import { AsyncLock } from 'course-kit/05-races-and-locks/async-lock';

export interface RaceConfig {
  /** Track length: a penguin that reaches `length` has finished (an integer >= 2). */
  length: number;
  /** Penguin names, unique. */
  penguins: readonly string[];
  /** The simulated delay while the server decides an operation (default: none). */
  delay?: () => Promise<void>;
}

/** The answer to requestMove. */
export type MoveReply =
  | {
      granted: true;
      /** Order in which this operation took effect (1, 2, 3... over moves and fly reports). */
      seq: number;
      penguin: string;
      /** The penguin's position after the move. */
      position: number;
      /** Set (1, 2, ...) when this move took the penguin over the finish line. */
      place?: number;
    }
  | { granted: false; seq: number; penguin: string; reason: 'finished' | 'unknown penguin' };

/** The answer to reportFly. */
export interface FlyReply {
  seq: number;
  fly: string;
  position: number;
  /** Penguins that were on `position` and went back to 0, in the order of `config.penguins`. */
  knocked: string[];
}

export interface Standings {
  positions: Record<string, number>;
  finishOrder: string[];
  knockdowns: Record<string, number>;
}

export class RaceArbiter {
  /** The server's lock (the seed's): hold it while deciding an operation. */
  readonly lock = new AsyncLock();
  readonly #config: Required<RaceConfig>;
  readonly #positions = new Map<string, number>();
  readonly #knockdowns = new Map<string, number>();
  readonly #finishOrder: string[] = [];
  /** Operations that took effect so far (the last seq given). */
  #seq = 0;

  constructor(config: RaceConfig) {
    const { length, penguins, delay = async () => {} } = config;
    if (!Number.isInteger(length) || length < 2) throw new RangeError(`length must be an integer >= 2, got ${String(length)}`);
    if (penguins.length === 0 || new Set(penguins).size !== penguins.length) {
      throw new RangeError('penguins must be a non-empty list of unique names');
    }
    this.#config = { length, penguins: [...penguins], delay };
    for (const penguin of penguins) {
      this.#positions.set(penguin, 0);
      this.#knockdowns.set(penguin, 0);
    }
  }

  get length(): number {
    return this.#config.length;
  }

  /** Operations that took effect so far. */
  get operations(): number {
    return this.#seq;
  }

  /** Whether every penguin has finished. */
  get finished(): boolean {
    return this.#finishOrder.length === this.#config.penguins.length;
  }

  /** A snapshot of the race now. */
  standings(): Standings {
    return {
      positions: Object.fromEntries(this.#positions),
      finishOrder: [...this.#finishOrder],
      knockdowns: Object.fromEntries(this.#knockdowns),
    };
  }

  /**
   * A penguin asks to move one step. Granted unless the penguin is unknown or has
   * already finished. The move that reaches `length` records the penguin in the
   * finish order (exactly once) and reports its place. Awaits `config.delay()`
   * while deciding.
   */
  requestMove(penguin: string): Promise<MoveReply> {
    // BEGIN SOLUTION
    return this.lock.runExclusive(async () => {
      await this.#config.delay();
      const seq = ++this.#seq;
      const position = this.#positions.get(penguin);
      if (position === undefined) return { granted: false, seq, penguin, reason: 'unknown penguin' };
      if (position >= this.#config.length) return { granted: false, seq, penguin, reason: 'finished' };
      const next = position + 1;
      this.#positions.set(penguin, next);
      if (next < this.#config.length) return { granted: true, seq, penguin, position: next };
      this.#finishOrder.push(penguin);
      return { granted: true, seq, penguin, position: next, place: this.#finishOrder.length };
    });
    // END SOLUTION
  }

  /**
   * A fly reports that it is now on `position` (an integer from 1 to length - 1;
   * anything else rejects with a RangeError and changes nothing). Every penguin
   * on that square goes back to 0, and its knockdown count goes up. Awaits
   * `config.delay()` while deciding.
   */
  reportFly(fly: string, position: number): Promise<FlyReply> {
    if (!Number.isInteger(position) || position < 1 || position >= this.#config.length) {
      return Promise.reject(new RangeError(`position must be an integer from 1 to ${this.#config.length - 1}, got ${String(position)}`));
    }
    // BEGIN SOLUTION
    return this.lock.runExclusive(async () => {
      await this.#config.delay();
      const seq = ++this.#seq;
      const knocked = this.#config.penguins.filter((penguin) => this.#positions.get(penguin) === position);
      for (const penguin of knocked) {
        this.#positions.set(penguin, 0);
        this.#knockdowns.set(penguin, (this.#knockdowns.get(penguin) ?? 0) + 1);
      }
      return { seq, fly, position, knocked };
    });
    // END SOLUTION
  }
}
