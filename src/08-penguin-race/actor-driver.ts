/**
 * The actor's side of every remote runtime (worker thread, child process,
 * network client): say hello, wait for `start` (which brings the rules), then
 * run the penguin or fly: send a request, wait for its reply, compute the next
 * one. On `stop`, finish the request in flight (if any), send `bye` with this
 * actor's own counts, and close.
 *
 * On the real clock the actor pauses with its own timer between requests. On
 * the virtual clock it does not pause at all: it sends the pause along (`wait`)
 * and the host applies it in virtual time.
 */
import { createActor, type Action, type Actor } from './actors.js';
import type { ActorMessage, HostMessage, RaceRequest, Role } from './protocol.js';

export interface ActorLinkToHost {
  send(message: ActorMessage): void;
  /** Called once, after `bye`: end the connection (the program may then exit). */
  close(): void;
}

export class ActorDriver {
  readonly #role: Role;
  readonly #id: number;
  readonly #link: ActorLinkToHost;
  #actor: Actor | undefined;
  #virtual = false;
  #pending: RaceRequest | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopping = false;
  #closed = false;
  #requests = 0;
  #replies = 0;
  #mismatches = 0;
  #sentAt = 0;
  readonly #roundTripsMs: number[] = [];

  constructor(role: Role, id: number, link: ActorLinkToHost) {
    this.#role = role;
    this.#id = id;
    this.#link = link;
  }

  /** Introduces this actor to the host. */
  hello(): void {
    this.#link.send({ type: 'hello', role: this.#role, id: this.#id });
  }

  /** Handles one message from the host. */
  receive(message: HostMessage): void {
    if (this.#closed) return;
    switch (message.type) {
      case 'start':
        if (this.#actor) return;
        this.#actor = createActor(this.#role, this.#id, message.rules);
        this.#virtual = message.rules.clock === 'virtual';
        this.#act(this.#actor.start());
        return;
      case 'stop':
        this.#stopping = true;
        clearTimeout(this.#timer);
        this.#timer = undefined;
        if (!this.#pending) this.#bye();
        return;
      default: {
        this.#replies++;
        this.#roundTripsMs.push(performance.now() - this.#sentAt);
        if (!this.#pending || message.seq !== this.#pending.seq) this.#mismatches++;
        this.#pending = undefined;
        if (this.#stopping) return this.#bye();
        const next = this.#actor?.next(message);
        if (next) this.#act(next);
      }
    }
  }

  /** The host is gone: stop at once. */
  abandon(): void {
    clearTimeout(this.#timer);
    this.#closed = true;
  }

  #act(action: Action): void {
    if (this.#virtual) return this.#send({ ...action.request, wait: action.waitMs });
    if (action.waitMs <= 0) return this.#send(action.request);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#send(action.request);
    }, action.waitMs);
  }

  #send(request: RaceRequest): void {
    this.#pending = request;
    this.#requests++;
    this.#sentAt = performance.now();
    this.#link.send(request);
  }

  #bye(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#link.send({
      type: 'bye',
      requests: this.#requests,
      replies: this.#replies,
      mismatches: this.#mismatches,
      roundTripsMs: this.#roundTripsMs,
    });
    this.#link.close();
  }
}
