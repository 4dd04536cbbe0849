/**
 * What a penguin and a fly do, as small step functions with no transport and
 * no timers: `start()` gives the first action, `next(reply)` the action after
 * each reply (or undefined: this actor is done). An action is "wait this long,
 * then send this request". Each runtime only carries the requests and replies;
 * the behavior is written once, here.
 *
 * - A penguin asks to move 1..maxStep cells from where it believes it is, and
 *   believes the server's answer (it may have been knocked back meanwhile).
 * - A fly starts on a random cell of the track hunting a random penguin (the
 *   seed's "elige una posición al azar dentro de la pista y a uno de los
 *   pingüinos"), then moves freely, up to flySpeed cells either way, and now
 *   and then changes target. With `homingFlies` it flies toward its target
 *   instead, off the start and the line. The server decides who it hits.
 *
 * Each actor draws from its own seeded stream, so its choices depend only on
 * the race seed and the replies it got, never on the runtime.
 */
import type { RaceRules } from './options.js';
import type { FlyReport, FlyReply, MoveReply, MoveRequest, RaceReply, RaceRequest, Role } from './protocol.js';
import { createRandom, deriveSeed, type Random } from './random.js';
import { flyCells } from './rules.js';

export interface Action {
  /** Pause (ms of race time) before sending. */
  waitMs: number;
  request: RaceRequest;
}

export interface Actor {
  readonly role: Role;
  readonly id: number;
  start(): Action;
  /** The next action after a reply, or undefined when this actor is done. */
  next(reply: RaceReply): Action | undefined;
}

export class Penguin implements Actor {
  readonly role = 'penguin' as const;
  readonly #random: Random;
  #position = 0;
  #seq = 0;

  constructor(
    readonly id: number,
    readonly rules: RaceRules,
  ) {
    this.#random = createRandom(deriveSeed(rules.seed, 'penguin', id));
  }

  /** Where this penguin believes it is. */
  get position(): number {
    return this.#position;
  }

  start(): Action {
    return this.#ask();
  }

  next(reply: RaceReply): Action | undefined {
    if (reply.type !== 'moved' || reply.done) return undefined;
    this.#position = (reply as MoveReply).position;
    return this.#ask();
  }

  #ask(): Action {
    const request: MoveRequest = {
      type: 'move',
      penguin: this.id,
      seq: ++this.#seq,
      from: this.#position,
      step: this.#random.int(1, this.rules.maxStep),
    };
    return { waitMs: this.#random.inRange(this.rules.thinkMs), request };
  }
}

export class Fly implements Actor {
  readonly role = 'fly' as const;
  readonly #random: Random;
  #position: number;
  #target: number;
  #seq = 0;

  constructor(
    readonly id: number,
    readonly rules: RaceRules,
  ) {
    this.#random = createRandom(deriveSeed(rules.seed, 'fly', id));
    const [first, last] = flyCells(rules.length, rules);
    this.#position = this.#random.int(first, last);
    this.#target = this.#random.int(0, rules.penguins - 1);
  }

  start(): Action {
    return this.#report(0);
  }

  next(reply: RaceReply): Action | undefined {
    if (reply.type !== 'flew' || reply.done) return undefined;
    const { target, targetPosition, knocked } = reply as FlyReply;
    this.#target = target;
    if (this.rules.homingFlies) {
      if (knocked || this.#random.chance(this.rules.retargetRate)) {
        // A new victim; where it is, the next reply will say.
        this.#target = this.#random.int(0, this.rules.penguins - 1);
      } else {
        this.#position = this.#toward(targetPosition);
      }
    } else {
      if (this.#random.chance(this.rules.retargetRate)) this.#target = this.#random.int(0, this.rules.penguins - 1);
      this.#position = this.#wander();
    }
    return this.#report(this.#random.inRange(this.rules.flyIntervalMs));
  }

  /** At most flySpeed cells toward `goal`, never onto the start (0) or the finish line (L). */
  #toward(goal: number): number {
    const { flySpeed, length } = this.rules;
    const step = Math.max(-flySpeed, Math.min(flySpeed, goal - this.#position));
    return Math.max(1, Math.min(length - 1, this.#position + step));
  }

  /** Anywhere within flySpeed cells, on the track (0..L). */
  #wander(): number {
    const { flySpeed, length } = this.rules;
    return Math.max(0, Math.min(length, this.#position + this.#random.int(-flySpeed, flySpeed)));
  }

  #report(waitMs: number): Action {
    const request: FlyReport = { type: 'fly', fly: this.id, seq: ++this.#seq, position: this.#position, target: this.#target };
    return { waitMs, request };
  }
}

export function createActor(role: Role, id: number, rules: RaceRules): Actor {
  return role === 'penguin' ? new Penguin(id, rules) : new Fly(id, rules);
}
