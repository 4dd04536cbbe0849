/**
 * One remote handle's connection, as the owner sees it: it carries out the
 * handle's messages on the mailboxes (protocol.ts) and keeps what the handle
 * holds: the credit reserved for its puts, and, once it consumes, its
 * subscription (the items pushed to it and not yet taken, see mailbox.ts).
 * When the link closes, the credit is released and what it held comes back,
 * and the mailboxes it asked to close when it goes (a Pipe end's) are closed.
 */
import type { Link } from './link.js';
import type { Mailbox, RemoteConsumer, Subscription } from './mailbox.js';
import { CREDIT_WINDOW, EARLY_FLUSH_ITEMS, type ClientMessage, type ServerMessage } from './protocol.js';

export class ServedConnection<T> {
  /** Resolves once the link is closed. */
  readonly closed: Promise<void>;
  readonly #link: Link<ClientMessage>;
  readonly #mailboxes: Mailbox<T>[];
  /** Credit this connection holds, per mailbox. */
  readonly #credit: number[];
  readonly #subscriptions: Array<Subscription | undefined>;
  /** One constant header per mailbox: it also marks which open batch a pushed item may join. */
  readonly #pushHeaders: ServerMessage[];
  readonly #withdraw = new AbortController();
  readonly #inFlight = new Set<Promise<void>>();
  /** Mailboxes to close when this connection ends, and whether to discard what they hold. */
  readonly #closeWhenGone = new Map<number, boolean>();
  #alive = true;
  #ending = false;
  #hold = false;
  #endScheduled = false;

  constructor(link: Link<ClientMessage>, mailboxes: Mailbox<T>[]) {
    this.#link = link;
    this.#mailboxes = mailboxes;
    this.#credit = mailboxes.map(() => 0);
    this.#subscriptions = mailboxes.map(() => undefined);
    this.#pushHeaders = mailboxes.map((_, c) => ({ t: 'push', c }));
    let closed!: () => void;
    this.closed = new Promise((resolve) => (closed = resolve));
    link.start({
      frame: ({ header, items }) => {
        try {
          this.#handle(header, items as T[]);
        } catch {
          void link.end(false); // not our protocol: drop the connection
        }
      },
      closed: () => {
        this.#gone();
        void link.end(false).then(closed);
      },
    });
    for (const [c, mailbox] of mailboxes.entries()) if (mailbox.closed) this.tellClosed(c);
  }

  /** Asks for this connection's unused credit on mailbox `c` back. */
  revoke(c: number): void {
    if (this.#credit[c] > 0) this.#send({ t: 'revoke', c });
  }

  tellClosed(c: number): void {
    this.#send({ t: 'closed', c });
  }

  /**
   * Ends the connection once the answers in flight are sent. (The take that
   * finishes a mailbox is answered a moment after it triggers this call.)
   * `hold`: keep the owner alive until the link is closed (its dispose() is awaited).
   */
  end(hold = false): void {
    this.#hold ||= hold;
    if (this.#endScheduled) return;
    this.#endScheduled = true;
    setImmediate(() => {
      void Promise.allSettled([...this.#inFlight]).then(() => {
        this.#ending = true;
        void this.#link.end(this.#hold);
      });
    });
  }

  #send(message: ServerMessage): void {
    if (this.#alive && !this.#ending) this.#link.outbox.send(message);
  }

  #handle(message: ClientMessage, items: T[]): void {
    if (message.t === 'bye') return this.#bye(message.id);
    const c = message.c;
    const mailbox = this.#mailboxes[c];
    if (!mailbox) throw new Error(`no mailbox ${c}`);
    const subscription = this.#subscriptions[c];
    switch (message.t) {
      case 'put': {
        const wait = { timeout: message.timeout, keepAlive: false, signal: this.#withdraw.signal };
        return this.#track(
          mailbox.put(items[0], wait).then((outcome) => {
            const credit = outcome === 'accepted' && this.#alive ? this.#grant(c, mailbox) : 0;
            this.#send({ t: 'put-done', id: message.id, outcome, credit, size: mailbox.size });
          }),
        );
      }
      case 'items': {
        this.#credit[c] -= items.length;
        mailbox.putReserved(items);
        // Top the credit up once half of it is used, so it never runs out while room is left.
        if (this.#credit[c] < CREDIT_WINDOW / 2) {
          const granted = this.#grant(c, mailbox);
          if (granted > 0) this.#send({ t: 'credit', c, n: granted });
        }
        return;
      }
      case 'return-credit':
        this.#credit[c] -= message.n;
        return mailbox.unreserve(message.n);
      case 'want': {
        const held = subscription ?? (this.#subscriptions[c] = mailbox.subscribe(this.#consumer(c), message.window));
        held.setWindow(message.window);
        return held.waiting(message.waiting);
      }
      case 'took':
        return subscription?.took(message.n);
      case 'release':
        return subscription?.release(message.n);
      case 'poll':
        subscription?.poll();
        return this.#send({ t: 'polled', id: message.id, size: mailbox.size });
      case 'close':
        mailbox.close(message.discard);
        return this.#send({ t: 'ack', id: message.id });
      case 'close-when-gone':
        this.#closeWhenGone.set(c, message.discard);
        return;
    }
  }

  /** How the mailbox reaches this connection's consumer of mailbox `c`. */
  #consumer(c: number): RemoteConsumer<T> {
    return {
      deliver: (item) => {
        if (!this.#alive) return; // held until the connection's end brings it back
        const batched = this.#link.outbox.appendItem(this.#pushHeaders[c], item);
        if (batched >= EARLY_FLUSH_ITEMS) this.#link.outbox.flush();
      },
      recall: (n) => this.#send({ t: 'recall', c, n }),
      ended: () => this.#send({ t: 'ended', c }),
    };
  }

  /** Tops this connection's credit on mailbox `c` up to the window, as far as there is room. */
  #grant(c: number, mailbox: Mailbox<T>): number {
    const granted = mailbox.reserve(CREDIT_WINDOW - this.#credit[c]);
    this.#credit[c] += granted;
    return granted;
  }

  #track(request: Promise<void>): void {
    this.#inFlight.add(request);
    void request.finally(() => this.#inFlight.delete(request));
  }

  /** Withdraws this connection's waiting requests and takes back what it held; `bye` goes out after their answers. */
  #bye(id: number): void {
    this.#withdraw.abort();
    this.#leaveMailboxes();
    void Promise.allSettled([...this.#inFlight]).then(() => this.#send({ t: 'bye', id }));
  }

  /** The peer is gone: withdraw its waits, release its credit, take back what it held. */
  #gone(): void {
    this.#alive = false;
    this.#withdraw.abort();
    for (const [c, credit] of this.#credit.entries()) {
      this.#credit[c] = 0;
      if (credit > 0) this.#mailboxes[c].unreserve(credit);
    }
    this.#leaveMailboxes();
    for (const [c, discard] of this.#closeWhenGone) this.#mailboxes[c].close(discard);
  }

  #leaveMailboxes(): void {
    for (const [c, subscription] of this.#subscriptions.entries()) {
      this.#subscriptions[c] = undefined;
      subscription?.leave();
    }
  }
}
