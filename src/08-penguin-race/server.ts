/**
 * The race server: the only owner of the race's state (positions on a track
 * of length L, finish order, flies' positions and targets, knockdowns) and the
 * only place it changes. Every runtime hands it the same messages; it answers
 * each one after a simulated network delay, and applies the rules (rules.ts:
 * the seed's by default, plus any extra rule the options name) under a lock.
 * The race ends when every penguin has finished or dropped out, at the time
 * bound, or when stopped; every later request is answered `done`.
 *
 * Where the state lives. The seed's threaded server is an object shared by all
 * its threads, so it needs `threading.Lock`. Here the state is one object on
 * ONE thread in every runtime, and no other thread or process can touch it:
 * - async: the penguins, the flies and the server are tasks on the one event
 *   loop of the main thread (the seed's asyncio version);
 * - threads: the server runs on the main thread; each penguin and fly runs on
 *   a worker thread and only sends it messages through a MessagePort;
 * - processes: the same, with a child process per actor and its IPC channel;
 * - net: the same, with a client per actor over a TCP socket (possibly on
 *   another machine).
 * Messages reach the main thread's event loop one at a time, so no two
 * handlers ever run at the same instant.
 *
 * What the AsyncLock protects: the order of the handlers across their awaits.
 * The network delay is awaited outside it (requests overlap in time, as on a
 * network), the rules inside it, so one request changes the state at a time.
 * Applying the rules never awaits today, so the lock also keeps that true if
 * someone adds an await there (unit 05: a race needs no second thread, only an
 * await between a check and an act). It does not protect against other
 * threads, and needs not: no other thread touches the state.
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
import { createTrack, everyoneIsOut, requestMove, reportFly, retire, type Track } from './rules.js';
import type { Knockdown, RaceEnd, RaceSnapshot } from './snapshot.js';

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

/** How many of the latest knockdowns the server keeps for the views. */
const RECENT_KNOCKDOWNS = 32;

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
  readonly finishOrder: number[];
  /** The latest knockdowns, oldest first (at most RECENT_KNOCKDOWNS). */
  readonly recentKnockdowns: Knockdown[] = [];
  readonly trace: TraceEvent[] | undefined;
  /** Milliseconds from receiving each request to answering it (delay + lock + rules), in race time, while the race ran. */
  readonly latencies: number[] = [];
  readonly messages = { received: 0, sent: 0, requests: 0, replies: 0, errors: 0 };
  readonly #lock = new AsyncLock();
  readonly #random: Random;
  readonly #books = new Map<string, ActorBook>();
  /** The state the rules change: the records above, and who stands where. */
  readonly #track: Track<PenguinState, FlyState>;
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
    this.#track = createTrack(rules.length, this.penguins, this.flies);
    this.finishOrder = this.#track.finishOrder;
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
    if (!retire(this.#track, role, id, reason)) return;
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
      recentKnockdowns: this.recentKnockdowns.map((knockdown) => ({ ...knockdown })),
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
    const outcome = requestMove(this.#track, request, this.rules, this.#random);
    if (!outcome.granted) {
      penguin.denied++;
      this.trace?.push({ t: now, type: 'deny', penguin: id, reason: outcome.reason });
      return reply(false, outcome.reason);
    }
    penguin.granted++;
    this.trace?.push({ t: now, type: 'move', penguin: id, from: outcome.from, to: outcome.to });
    if (outcome.place !== undefined) {
      penguin.finishedAt = now;
      this.trace?.push({ t: now, type: 'finish', penguin: id, place: outcome.place });
      this.#endIfEveryoneIsOut();
      return reply(true);
    }
    if (outcome.knockedBy === undefined) return reply(true);
    this.#knockedDown(id, outcome.knockedBy, outcome.to, now);
    return reply(true, undefined, true);
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
    const outcome = reportFly(this.#track, request, this.rules, this.#random);
    if (!outcome.moved) {
      // A fly cannot jump: keep it where it was, and say so (the state stays consistent).
      this.messages.errors++;
      this.trace?.push({ t: now, type: 'error', message: `fly ${request.fly} tried to move ${fly.position} -> ${request.position}` });
      return { ...reply(), knocked: false };
    }
    fly.moves++;
    this.trace?.push({ t: now, type: 'fly', fly: request.fly, from: outcome.from ?? null, to: outcome.to, target: outcome.target });
    for (const penguin of outcome.knocked) this.#knockedDown(penguin, request.fly, outcome.to, now);
    return reply();
  }

  /** Books a knockdown the rules made: the penguin is already back at 0. */
  #knockedDown(id: number, flyId: number, at: number, now: number): void {
    const fly = this.flies[flyId];
    this.trace?.push({ t: now, type: 'knockdown', penguin: id, fly: flyId, from: at });
    fly.knockdowns++;
    fly.knockedSinceReport = true;
    this.#knockdowns++;
    this.recentKnockdowns.push({ t: now, penguin: id, fly: flyId, at });
    if (this.recentKnockdowns.length > RECENT_KNOCKDOWNS) this.recentKnockdowns.shift();
  }

  #endIfEveryoneIsOut(): void {
    if (everyoneIsOut(this.#track)) this.end('finished');
  }
}
