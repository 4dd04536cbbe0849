/**
 * The race server: the only owner of the race's state (positions on a track
 * of length L, finish order, flies' positions and targets, knockdowns) and the
 * only place it changes. Every runtime hands it the same messages; it answers
 * each one after a simulated network delay, and applies the rules under a lock.
 *
 * Rules (the seed's, made exact):
 * - A penguin asks to move `step` cells from `from`. The server refuses when
 *   `from` is stale (the penguin was knocked back meanwhile), or at random with
 *   probability denyRate ("busy"); otherwise it moves the penguin to
 *   min(L, from + step). Reaching L records it in the finish order, once.
 * - A fly reports its cell and its target. If the target is out of the race,
 *   the server gives it another. A fly and its target on the same cell (not the
 *   start, not the line) is a knockdown: the penguin goes back to 0. This is
 *   checked when the fly lands on the penguin and when the penguin lands on the fly.
 * - The race ends when every penguin has finished or dropped out, at the time
 *   bound, or when stopped; every later request is answered `done`.
 *
 * The lock: the delay is awaited outside it (requests overlap in time, as on a
 * network), the rules inside it (one request changes the state at a time).
 * Applying the rules never awaits, so on one event loop no other code could run
 * in the middle anyway; the lock makes the rule explicit and keeps it true if
 * someone adds an await there. With threads and processes the server lives on
 * the main thread, and their messages arrive one at a time through its event
 * loop: that is what serializes them, before the lock.
 */
import { AsyncLock } from '../05-races-and-locks/async-lock.js';
import type { Clock } from './clock.js';
import type { RaceRules } from './options.js';
import {
  parseRequest,
  requester,
  type FlyReply,
  type FlyReport,
  type MoveReply,
  type MoveRequest,
  type RaceReply,
  type RaceRequest,
  type Role,
} from './protocol.js';
import { createRandom, deriveSeed, type Random } from './random.js';
import type { RaceEnd, RaceSnapshot } from './snapshot.js';

/** One thing that happened, for replays and checks (`trace: true`). `t` is race time in ms. */
export type TraceEvent =
  | { t: number; type: 'move'; penguin: number; from: number; to: number }
  | { t: number; type: 'deny'; penguin: number; reason: string }
  | { t: number; type: 'knockdown'; penguin: number; fly: number; from: number }
  | { t: number; type: 'finish'; penguin: number; place: number }
  | { t: number; type: 'fly'; fly: number; from: number | null; to: number; target: number }
  | { t: number; type: 'retire'; role: Role; id: number; reason: string }
  | { t: number; type: 'error'; message: string };

export interface PenguinState {
  position: number;
  place?: number;
  finishedAt?: number;
  retired?: string;
  knockdowns: number;
  requests: number;
  granted: number;
  denied: number;
  latencyTotalMs: number;
  /** Move requests answered (for the mean latency). */
  answered: number;
}

export interface FlyState {
  position?: number;
  target: number;
  moves: number;
  knockdowns: number;
  knockedSinceReport: boolean;
  retired?: string;
}

export interface ServerOptions {
  trace?: boolean;
}

interface ActorBook {
  /** Last seq received. */
  seq: number;
  inFlight: boolean;
}

export class RaceServer {
  readonly rules: RaceRules;
  readonly clock: Clock;
  readonly penguins: PenguinState[];
  readonly flies: FlyState[];
  readonly finishOrder: number[] = [];
  readonly trace: TraceEvent[] | undefined;
  /** Milliseconds from receiving each request to answering it (delay + lock + rules), in race time, while the race ran. */
  readonly latencies: number[] = [];
  readonly messages = { received: 0, sent: 0, requests: 0, replies: 0, errors: 0 };
  readonly #lock = new AsyncLock();
  readonly #random: Random;
  readonly #books = new Map<string, ActorBook>();
  /** Penguins still racing, for picking a fly's target in O(1). */
  readonly #racing: number[];
  readonly #racingIndex: number[];
  #knockdowns = 0;
  #ended: RaceEnd | undefined;
  #endedAt: number | undefined;
  readonly #over: Promise<RaceEnd>;
  #resolveOver!: (end: RaceEnd) => void;

  constructor(rules: RaceRules, clock: Clock, options: ServerOptions = {}) {
    this.rules = rules;
    this.clock = clock;
    this.#random = createRandom(deriveSeed(rules.seed, 'server'));
    this.penguins = Array.from({ length: rules.penguins }, () => ({
      position: 0,
      knockdowns: 0,
      requests: 0,
      granted: 0,
      denied: 0,
      latencyTotalMs: 0,
      answered: 0,
    }));
    this.flies = Array.from({ length: rules.flies }, () => ({ target: 0, moves: 0, knockdowns: 0, knockedSinceReport: false }));
    this.#racing = this.penguins.map((_, id) => id);
    this.#racingIndex = this.penguins.map((_, id) => id);
    this.trace = options.trace ? [] : undefined;
    this.#over = new Promise((resolve) => (this.#resolveOver = resolve));
  }

  get over(): boolean {
    return this.#ended !== undefined;
  }

  get ended(): RaceEnd | undefined {
    return this.#ended;
  }

  /** Race time when the race ended. */
  get endedAt(): number | undefined {
    return this.#endedAt;
  }

  get knockdowns(): number {
    return this.#knockdowns;
  }

  /** Resolves when the race ends, with why. */
  whenOver(): Promise<RaceEnd> {
    return this.#over;
  }

  /** Counts a message that is not a request (hello, start, stop, bye), for the message totals. */
  countControl(direction: 'received' | 'sent'): void {
    this.messages[direction]++;
  }

  /**
   * Answers one message from an actor. `sender`, when the transport knows who
   * is talking (a worker, a child, an identified connection), must match the
   * request. Never throws: a bad message gets an error reply.
   */
  async handle(message: unknown, sender?: { role: Role; id: number }): Promise<RaceReply> {
    this.messages.received++;
    const request = parseRequest(message, this.rules);
    if (typeof request === 'string') return this.#error(request, message);
    const who = requester(request);
    if (sender && (sender.role !== who.role || sender.id !== who.id)) {
      return this.#error(`you are ${sender.role} ${sender.id}, not ${who.role} ${who.id}`, message);
    }
    const book = this.#book(who.role, who.id);
    if (book.inFlight) return this.#error(`${who.role} ${who.id} already has a request in flight (one at a time)`, message);
    if (request.seq !== book.seq + 1) return this.#error(`${who.role} ${who.id}: seq must be ${book.seq + 1}, got ${request.seq}`, message);
    book.seq = request.seq;
    book.inFlight = true;
    this.messages.requests++;
    const received = this.clock.now();
    // The simulated network: outside the lock, so requests overlap as on a real network.
    const delay = this.#random.inRange(this.rules.latencyMs);
    if (delay > 0 || this.clock.kind === 'virtual') await this.clock.sleep(delay);
    // Requests answered after the end (the last ones, woken at once by the ended clock) are not race latency.
    const duringRace = !this.over;
    const reply = await this.#lock.runExclusive(() => this.#apply(request));
    const latency = this.clock.now() - received;
    if (duringRace) {
      this.latencies.push(latency);
      if (request.type === 'move') {
        this.penguins[request.penguin].latencyTotalMs += latency;
        this.penguins[request.penguin].answered++;
      }
    }
    book.inFlight = false;
    this.messages.replies++;
    this.messages.sent++;
    return reply;
  }

  /** Answers something that is not a request at all (not JSON, no hello yet): counted and traced, nothing else. */
  refuse(text: string): RaceReply {
    this.messages.received++;
    return this.#error(text, undefined);
  }

  /** Takes an actor out of the race (its client went away); a retired penguin no longer counts as racing. */
  retire(role: Role, id: number, reason: string): void {
    if (role === 'penguin') {
      const penguin = this.penguins[id];
      if (!penguin || penguin.place !== undefined || penguin.retired !== undefined) return;
      penguin.retired = reason;
      this.#leaveRace(id);
    } else {
      const fly = this.flies[id];
      if (!fly || fly.retired !== undefined) return;
      fly.retired = reason;
    }
    this.trace?.push({ t: this.clock.now(), type: 'retire', role, id, reason });
    this.#endIfEveryoneIsOut();
  }

  /** Ends the race now (time bound, interruption, error). Later requests are answered `done`. */
  end(reason: RaceEnd): void {
    if (this.#ended !== undefined) return;
    this.#ended = reason;
    this.#endedAt = this.clock.now();
    this.#resolveOver(reason);
  }

  snapshot(): RaceSnapshot {
    return {
      time: this.#endedAt ?? this.clock.now(),
      length: this.rules.length,
      over: this.over,
      ended: this.#ended,
      penguins: this.penguins.map((p, id) => ({
        id,
        position: p.position,
        place: p.place,
        knockdowns: p.knockdowns,
        retired: p.retired !== undefined,
      })),
      flies: this.flies.map((f, id) => ({ id, position: f.position, target: f.target })),
      finishOrder: [...this.finishOrder],
      knockdowns: this.#knockdowns,
      requests: this.messages.replies,
      messages: { received: this.messages.received, sent: this.messages.sent },
    };
  }

  #book(role: Role, id: number): ActorBook {
    const key = `${role}:${id}`;
    let book = this.#books.get(key);
    if (!book) this.#books.set(key, (book = { seq: 0, inFlight: false }));
    return book;
  }

  #error(text: string, message: unknown): RaceReply {
    this.messages.errors++;
    this.messages.sent++;
    this.trace?.push({ t: this.clock.now(), type: 'error', message: text });
    const seq = (message as { seq?: unknown } | null)?.seq;
    return { type: 'error', seq: typeof seq === 'number' ? seq : undefined, message: text };
  }

  #apply(request: RaceRequest): RaceReply {
    return request.type === 'move' ? this.#move(request) : this.#fly(request);
  }

  #move(request: MoveRequest): MoveReply {
    const id = request.penguin;
    const penguin = this.penguins[id];
    const reply = (granted: boolean, reason?: string, knockedDown = false): MoveReply => ({
      type: 'moved',
      penguin: id,
      seq: request.seq,
      granted,
      reason,
      position: penguin.position,
      knockedDown,
      place: penguin.place,
      done: this.over || penguin.place !== undefined || penguin.retired !== undefined,
    });
    if (penguin.place !== undefined) return reply(false, 'finished');
    if (penguin.retired !== undefined) return reply(false, 'retired');
    if (this.over) return reply(false, 'race-over');
    penguin.requests++;
    const now = this.clock.now();
    let reason: string | undefined;
    if (request.from !== penguin.position) reason = 'stale';
    else if (this.#random.chance(this.rules.denyRate)) reason = 'busy';
    if (reason !== undefined) {
      penguin.denied++;
      this.trace?.push({ t: now, type: 'deny', penguin: id, reason });
      return reply(false, reason);
    }
    penguin.granted++;
    const from = penguin.position;
    const to = Math.min(this.rules.length, from + request.step);
    penguin.position = to;
    this.trace?.push({ t: now, type: 'move', penguin: id, from, to });
    if (to === this.rules.length) {
      this.#finish(id, now);
      return reply(true);
    }
    const hunter = this.flies.findIndex((fly) => fly.retired === undefined && fly.target === id && fly.position === to);
    if (hunter >= 0) {
      this.#knockDown(id, hunter, now);
      return reply(true, undefined, true);
    }
    return reply(true);
  }

  #fly(request: FlyReport): FlyReply {
    const fly = this.flies[request.fly];
    const reply = (): FlyReply => {
      const knocked = fly.knockedSinceReport;
      fly.knockedSinceReport = false;
      return {
        type: 'flew',
        fly: request.fly,
        seq: request.seq,
        target: fly.target,
        targetPosition: this.penguins[fly.target].position,
        knocked,
        done: this.over || fly.retired !== undefined,
      };
    };
    if (this.over || fly.retired !== undefined) return reply();
    const now = this.clock.now();
    const from = fly.position;
    if (from !== undefined && Math.abs(request.position - from) > this.rules.flySpeed) {
      // A fly cannot jump: keep it where it was, and say so (the state stays consistent).
      this.messages.errors++;
      this.trace?.push({ t: now, type: 'error', message: `fly ${request.fly} tried to move ${from} -> ${request.position}` });
      return { ...reply(), knocked: false };
    }
    fly.position = request.position;
    fly.moves++;
    fly.target = this.#isRacing(request.target) ? request.target : this.#anyRacing();
    this.trace?.push({ t: now, type: 'fly', fly: request.fly, from: from ?? null, to: fly.position, target: fly.target });
    const target = this.penguins[fly.target];
    if (target.position === fly.position && fly.position > 0 && fly.position < this.rules.length) {
      this.#knockDown(fly.target, request.fly, now);
    }
    return reply();
  }

  #knockDown(id: number, flyId: number, now: number): void {
    const penguin = this.penguins[id];
    const fly = this.flies[flyId];
    this.trace?.push({ t: now, type: 'knockdown', penguin: id, fly: flyId, from: penguin.position });
    penguin.position = 0;
    penguin.knockdowns++;
    fly.knockdowns++;
    fly.knockedSinceReport = true;
    this.#knockdowns++;
  }

  #finish(id: number, now: number): void {
    const penguin = this.penguins[id];
    this.finishOrder.push(id);
    penguin.place = this.finishOrder.length;
    penguin.finishedAt = now;
    this.trace?.push({ t: now, type: 'finish', penguin: id, place: penguin.place });
    this.#leaveRace(id);
    this.#endIfEveryoneIsOut();
  }

  #isRacing(id: number): boolean {
    return this.#racingIndex[id] >= 0;
  }

  /** A random penguin still racing (the race is not over, so there is one). */
  #anyRacing(): number {
    return this.#racing.length === 0 ? 0 : this.#racing[this.#random.int(0, this.#racing.length - 1)];
  }

  #leaveRace(id: number): void {
    const index = this.#racingIndex[id];
    if (index < 0) return;
    const last = this.#racing.pop()!;
    if (last !== id) {
      this.#racing[index] = last;
      this.#racingIndex[last] = index;
    }
    this.#racingIndex[id] = -1;
  }

  #endIfEveryoneIsOut(): void {
    if (this.#racing.length === 0) this.end('finished');
  }
}
