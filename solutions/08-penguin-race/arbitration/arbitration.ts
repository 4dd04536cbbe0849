/**
 * The penguin race's server, as a pure class: it owns the state and decides
 * every request, while many async tasks (penguins and flies) call it at once.
 *
 * The seed's server grants each penguin's `request_move` after a simulated
 * network delay, holding its lock the whole time, and flies knock penguins back
 * to the start. The rules themselves are the kit's, the very functions the
 * race's server applies on every runtime (`rules` from course-kit/08-penguin-race):
 * `rules.requestMove(track, { penguin, step })` and `rules.knockDownAt(track, cell)`.
 * Your part is WHEN they run. Here the delay is `config.delay()`, awaited while
 * an operation is being decided. Whatever happens during those awaits, the
 * outcome must be as if the operations had run one at a time, in the order of
 * their `seq` numbers: the tests replay every reply in `seq` order on the same
 * rules and compare.
 */
import { AsyncLock } from 'course-kit/05-races-and-locks/async-lock';
import { rules } from 'course-kit/08-penguin-race';

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
  /** The race's state; only the kit's rules change it. Penguin i is `config.penguins[i]`. */
  readonly #track: rules.Track;
  /** Each penguin's id on the track, by name. */
  readonly #ids: Map<string, number>;
  /** Operations that took effect so far (the last seq given). */
  #seq = 0;

  constructor(config: RaceConfig) {
    const { length, penguins, delay = async () => {} } = config;
    if (!Number.isInteger(length) || length < 2) throw new RangeError(`length must be an integer >= 2, got ${String(length)}`);
    this.#ids = new Map(penguins.map((penguin, id) => [penguin, id]));
    if (penguins.length === 0 || this.#ids.size !== penguins.length) {
      throw new RangeError('penguins must be a non-empty list of unique names');
    }
    this.#config = { length, penguins: [...penguins], delay };
    this.#track = rules.newTrack(length, penguins.length);
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
    return rules.everyoneIsOut(this.#track);
  }

  /** A snapshot of the race now. */
  standings(): Standings {
    const { penguins } = this.#config;
    const { penguins: states, finishOrder } = this.#track;
    return {
      positions: Object.fromEntries(penguins.map((penguin, id) => [penguin, states[id].position])),
      finishOrder: finishOrder.map((id) => penguins[id]),
      knockdowns: Object.fromEntries(penguins.map((penguin, id) => [penguin, states[id].knockdowns])),
    };
  }

  /**
   * A penguin asks to move one step. Granted unless the penguin is unknown or has
   * already finished. The move that reaches `length` records the penguin in the
   * finish order (exactly once) and reports its place: `rules.requestMove` does
   * all of that, with `{ penguin: id, step: 1 }` (the seed's rules refuse a known
   * penguin only when it has finished). Awaits `config.delay()` while deciding.
   */
  requestMove(penguin: string): Promise<MoveReply> {
    // BEGIN SOLUTION
    return this.lock.runExclusive(async () => {
      await this.#config.delay();
      const seq = ++this.#seq;
      const id = this.#ids.get(penguin);
      if (id === undefined) return { granted: false, seq, penguin, reason: 'unknown penguin' };
      const outcome = rules.requestMove(this.#track, { penguin: id, step: 1 });
      if (!outcome.granted) return { granted: false, seq, penguin, reason: 'finished' };
      const { to: position, place } = outcome;
      return place === undefined ? { granted: true, seq, penguin, position } : { granted: true, seq, penguin, position, place };
    });
    // END SOLUTION
  }

  /**
   * A fly reports that it is now on `position` (an integer from 1 to length - 1;
   * anything else rejects with a RangeError and changes nothing). Every penguin
   * on that square goes back to 0, and its knockdown count goes up:
   * `rules.knockDownAt(track, position)` does it and returns their ids. Awaits
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
      const knocked = rules.knockDownAt(this.#track, position).map((id) => this.#config.penguins[id]);
      return { seq, fly, position, knocked };
    });
    // END SOLUTION
  }
}
