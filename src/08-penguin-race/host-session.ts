/**
 * The host's side of every remote runtime (threads, processes, net): one
 * session per actor, whatever carries the messages. A transport only calls
 * `receive(message)` for what arrives and `lost(reason)` when the worker, child
 * or connection goes away; the session does the rest:
 *
 * - waits for the actor's hello, then (at begin) sends it `start`;
 * - passes each request to the server and sends back the reply; at most one
 *   request in flight per actor;
 * - on the virtual clock: applies the actor's pause (`wait`) in virtual time,
 *   and holds the clock while the actor is thinking elsewhere (see
 *   virtual-clock.ts), so a remote race replays exactly like a local one;
 * - retires the actor's penguin or fly if it goes away mid-race;
 * - at the end sends `stop` and collects the actor's `bye` (its own counts).
 */
import type { Bye, HostMessage, RaceReply, RaceRequest, Role } from './protocol.js';
import type { ActorReport, RuntimeContext } from './runtime.js';
import type { VirtualClock } from './virtual-clock.js';

/** How a session talks to its actor; `send` may throw if the actor is gone. */
export interface SessionLink {
  send(message: HostMessage): void;
}

type SessionState = 'waiting' | 'ready' | 'racing' | 'stopping' | 'done' | 'gone';

export class ActorSession {
  readonly role: Role;
  readonly id: number;
  #link: SessionLink | undefined;
  #state: SessionState = 'waiting';
  readonly #context: RuntimeContext;
  readonly #roster: SessionRoster;
  #busy = false;
  #release: (() => void) | undefined;
  /** Virtual clock, first round: requests wait here so they enter the clock in actor order. */
  #buffered: RaceRequest | undefined;
  #bye: Bye | undefined;
  #goneReason: string | undefined;

  constructor(role: Role, id: number, context: RuntimeContext, roster: SessionRoster) {
    this.role = role;
    this.id = id;
    this.#context = context;
    this.#roster = roster;
  }

  get state(): SessionState {
    return this.#state;
  }

  get connected(): boolean {
    return this.#link !== undefined && this.#state !== 'gone';
  }

  get goneReason(): string | undefined {
    return this.#goneReason;
  }

  /** The actor said hello over `link`. */
  attach(link: SessionLink): void {
    this.#link = link;
    if (this.#state === 'waiting') this.#state = 'ready';
    this.#roster.changed();
  }

  /** Sends `start`: the race begins for this actor. On the virtual clock, time waits for its first request. */
  begin(): void {
    if (this.#state !== 'ready') return;
    this.#state = 'racing';
    this.#hold();
    this.#send({ type: 'start', rules: this.#context.options.rules });
    this.#context.server.countControl('sent');
  }

  /** A message from the actor (already parsed from its transport). */
  receive(message: unknown): void {
    const { server } = this.#context;
    const type = (message as { type?: unknown } | null)?.type;
    if (type === 'hello') {
      server.countControl('received');
      return;
    }
    if (type === 'bye') {
      server.countControl('received');
      this.#bye = message as Bye;
      this.#state = 'done';
      this.#roster.changed();
      return;
    }
    if ((type !== 'move' && type !== 'fly') || (this.#state !== 'racing' && this.#state !== 'stopping')) {
      void this.#answer(server.handle(message, { role: this.role, id: this.id }), false);
      return;
    }
    if (this.#busy) {
      // The server would refuse it too, but only after the actor's pause: refuse at once.
      void this.#answer(server.handle(message, { role: this.role, id: this.id }), false);
      return;
    }
    this.#busy = true;
    if (this.#roster.collectingFirstRound) {
      this.#buffered = message as RaceRequest;
      this.#roster.changed();
      return;
    }
    this.#serve(message as RaceRequest);
  }

  /** Virtual clock: serves the request held back for the first round. */
  serveBuffered(): void {
    const request = this.#buffered;
    this.#buffered = undefined;
    if (request) this.#serve(request);
  }

  get hasBuffered(): boolean {
    return this.#buffered !== undefined;
  }

  /** The worker, child or connection went away. Mid-race, its penguin or fly is retired. */
  lost(reason: string): void {
    if (this.#state === 'gone') return;
    const wasRacing = this.#state === 'racing' || this.#state === 'ready';
    this.#state = this.#bye ? 'done' : 'gone';
    this.#goneReason = reason;
    this.#link = undefined;
    this.#releaseHold();
    if (wasRacing && !this.#bye) this.#context.server.retire(this.role, this.id, reason);
    this.#roster.changed();
  }

  /** After the race: ask the actor to stop (it answers with bye). */
  stop(): void {
    if (this.#state !== 'racing' && this.#state !== 'ready') return;
    this.#state = 'stopping';
    this.#releaseHold();
    this.#send({ type: 'stop' });
    this.#context.server.countControl('sent');
  }

  /** The actor's own counts (or what the host knows, if it never said bye). */
  report(): ActorReport {
    const bye = this.#bye;
    return bye
      ? {
          role: this.role,
          id: this.id,
          requests: bye.requests,
          replies: bye.replies,
          mismatches: bye.mismatches,
          reported: true,
          roundTripsMs: Array.isArray(bye.roundTripsMs) ? bye.roundTripsMs.filter((ms) => typeof ms === 'number') : [],
        }
      : { role: this.role, id: this.id, requests: 0, replies: 0, mismatches: 0, reported: false };
  }

  #serve(request: RaceRequest): void {
    const { clock, server } = this.#context;
    const wait = typeof request.wait === 'number' && request.wait >= 0 ? request.wait : 0;
    // Synchronously: enter the clock's queue first, then let time move again.
    const pause = clock.kind === 'virtual' || wait > 0 ? clock.sleep(Math.min(wait, 600_000)) : undefined;
    this.#releaseHold();
    const reply = (async () => {
      if (pause) await pause;
      return server.handle(request, { role: this.role, id: this.id });
    })();
    void this.#answer(reply, true);
  }

  async #answer(pending: Promise<RaceReply>, served: boolean): Promise<void> {
    const reply = await pending;
    if (served) this.#busy = false;
    if (served && reply.type !== 'error' && !reply.done && this.#state === 'racing') this.#hold();
    this.#send(reply);
  }

  #send(message: HostMessage): void {
    if (!this.#link) return;
    try {
      this.#link.send(message);
    } catch (error) {
      this.lost(`sending to it failed: ${(error as Error).message}`);
    }
  }

  /** Virtual clock: time stands still until this actor's next request arrives. */
  #hold(): void {
    if (this.#context.clock.kind !== 'virtual' || this.#release) return;
    this.#release = (this.#context.clock as VirtualClock).hold();
  }

  #releaseHold(): void {
    this.#release?.();
    this.#release = undefined;
  }
}

/** All sessions of a race: readiness, the start, the virtual first round, and the goodbyes. */
export class SessionRoster {
  readonly sessions: ActorSession[] = [];
  readonly #byKey = new Map<string, ActorSession>();
  readonly #virtual: boolean;
  #collectingFirstRound = false;
  #finishing = false;
  #waiters: Array<() => void> = [];

  constructor(context: RuntimeContext, actors: Array<{ role: Role; id: number }>) {
    for (const { role, id } of actors) {
      const session = new ActorSession(role, id, context, this);
      this.sessions.push(session);
      this.#byKey.set(`${role}:${id}`, session);
    }
    this.#virtual = context.clock.kind === 'virtual';
  }

  get collectingFirstRound(): boolean {
    return this.#collectingFirstRound;
  }

  get(role: Role, id: number): ActorSession | undefined {
    return this.#byKey.get(`${role}:${id}`);
  }

  /** Called by sessions when their state changes. */
  changed(): void {
    if (this.#collectingFirstRound) this.#maybeServeFirstRound();
    for (const wake of this.#waiters.splice(0)) wake();
  }

  /** Resolves when every actor is ready; rejects naming the first that went away or is late. */
  async whenAllReady(timeoutMs: number, what: string): Promise<void> {
    await this.#waitFor(
      () => {
        if (this.#finishing) throw new Error('the race was stopped before it started');
        const gone = this.sessions.find((s) => s.state === 'gone');
        if (gone) throw new Error(`${gone.role} ${gone.id} (${what}) went away before the race started: ${gone.goneReason}`);
        return this.sessions.every((s) => s.state === 'ready');
      },
      timeoutMs,
      () => {
        const late = this.sessions.filter((s) => s.state === 'waiting').map((s) => `${s.role} ${s.id}`);
        const names = `${late.slice(0, 5).join(', ')}${late.length > 5 ? ', ...' : ''}`;
        return new Error(`${late.length} actor(s) not ready after ${timeoutMs} ms (${what}): ${names}`);
      },
    );
  }

  begin(): void {
    // Virtual clock: the first requests arrive in whatever order the OS delivers them;
    // collect them all, then let them into the clock in actor order (as the async runtime does).
    this.#collectingFirstRound = this.#virtual;
    for (const session of this.sessions) session.begin();
    if (this.#collectingFirstRound) this.#maybeServeFirstRound();
  }

  /** Sends stop to every actor and waits (bounded) for their byes; returns every actor's report. */
  async finish(timeoutMs: number): Promise<ActorReport[]> {
    this.#finishing = true;
    this.#collectingFirstRound = false;
    this.changed(); // a launch still waiting for actors gives up
    for (const session of this.sessions) session.serveBuffered();
    for (const session of this.sessions) session.stop();
    await this.#waitFor(
      () => this.sessions.every((s) => s.state === 'done' || s.state === 'gone' || !s.connected),
      timeoutMs,
      () => undefined,
    ).catch(() => undefined);
    return this.sessions.map((session) => session.report());
  }

  #maybeServeFirstRound(): void {
    const waiting = this.sessions.some((s) => s.state === 'racing' && !s.hasBuffered);
    if (waiting) return;
    this.#collectingFirstRound = false;
    for (const session of this.sessions) session.serveBuffered();
  }

  /** Waits until `done()` is true (re-checked on every change), at most `timeoutMs`. */
  #waitFor(done: () => boolean, timeoutMs: number, onTimeout: () => Error | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== check);
        reject(onTimeout() ?? new Error('timed out'));
      }, timeoutMs);
      const check = (): void => {
        try {
          if (done()) {
            clearTimeout(timer);
            resolve();
          } else {
            this.#waiters.push(check);
          }
        } catch (error) {
          clearTimeout(timer);
          reject(error);
        }
      };
      check();
    });
  }
}
