/**
 * The remote side of the transport: a connection from any thread or process to
 * the owner's TransportHost, giving an Endpoint for each mailbox it serves.
 * Puts go through a RemoteProducer (credit, batches), gets through a RemoteInbox
 * (prefetch, acknowledgements). The link is a MessagePort when the kit laid one
 * for this thread (thread-links.ts), otherwise a pair of sockets, connected on
 * first use.
 *
 * The link keeps this process alive only while an answer is awaited (a waiting
 * get, a put request, a dispose): a worker or child that is done can simply
 * end. What it sent has left the process by then (a socket write in progress
 * keeps it alive by itself), and the owner reads all of it (socket-link.ts).
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { Endpoint } from './endpoint.js';
import type { Frame } from './frames.js';
import type { Link } from './link.js';
import type { Outbox } from './outbox.js';
import { PortLink } from './port-link.js';
import type { ClientMessage, Delivery, PutOutcome, ServerMessage, TakeOutcome } from './protocol.js';
import { RemoteInbox } from './remote-inbox.js';
import { RemoteProducer } from './remote-producer.js';
import { connectSocketLink } from './socket-link.js';
import { offerThreadLinks, takeThreadLink } from './thread-links.js';
import type { Wire } from './wire.js';

export class TransportConnection {
  /** The owner's address. */
  readonly address: string;
  readonly #port: MessagePort | undefined;
  #link: Link<ServerMessage> | undefined;
  readonly #pending = new Map<number, (answer: ServerMessage | undefined) => void>();
  readonly #producers = new Map<number, RemoteProducer>();
  readonly #inboxes = new Map<number, RemoteInbox<unknown>>();
  readonly #closedMailboxes = new Set<number>();
  readonly #sizes = new Map<number, number>();
  readonly #wire: Wire;
  #nextId = 1;
  #gone = false;
  /** The owner was never reached: it no longer serves these mailboxes (they count as closed). */
  #unreachable = false;
  #disposing: Promise<void> | undefined;
  #withdrawThreadLinks: (() => void) | undefined;

  constructor(address: string) {
    this.address = address;
    this.#port = takeThreadLink(address);
    this.#wire = {
      outbox: () => this.#outbox(),
      request: (message, items) => this.#request(message, items),
      isClosed: (c) => this.isClosed(c),
      refresh: () => this.#refreshKeepAlive(),
    };
  }

  /** Access to mailbox `c` of the owner, which hands out items by `delivery`. */
  endpoint<T>(c: number, delivery: Delivery): Endpoint<T> {
    const producer = new RemoteProducer(c, this.#wire);
    const inbox = new RemoteInbox<T>(c, delivery, this.#wire);
    this.#producers.set(c, producer);
    this.#inboxes.set(c, inbox as RemoteInbox<unknown>);
    return new RemoteEndpoint(this, c, producer, inbox);
  }

  /** Whether the owner said mailbox `c` is closed (or this side closed it). */
  isClosed(c: number): boolean {
    return this.#closedMailboxes.has(c) || this.#unreachable;
  }

  /** The mailbox's size in the owner's last answer. */
  lastKnownSize(c: number): number {
    return this.#sizes.get(c) ?? 0;
  }

  close(c: number, discard: boolean): void {
    this.#closedMailboxes.add(c);
    this.#producers.get(c)?.returnCredit();
    void this.#request((id) => ({ t: 'close', c, id, discard }));
  }

  /** Asks the owner to close mailbox `c` when this connection ends, whatever ends it (see protocol.ts). */
  closeWhenGone(c: number, discard: boolean): void {
    this.#outbox()?.send({ t: 'close-when-gone', c, discard });
  }

  /**
   * Hands back unused credit and what was pushed here, withdraws this side's
   * waiting requests (they end as `canceled`) and closes the connection. The
   * mailboxes stay open for others.
   */
  dispose(): Promise<void> {
    this.#disposing ??= this.#disconnect();
    return this.#disposing;
  }

  async #disconnect(): Promise<void> {
    this.#withdrawThreadLinks?.();
    for (const inbox of this.#inboxes.values()) inbox.leave();
    const link = this.#link;
    if (!link || this.#gone) {
      this.#gone = true;
      return;
    }
    for (const producer of this.#producers.values()) producer.returnCredit();
    await this.#request((id) => ({ t: 'bye', id })); // the owner has taken back what this handle held
    this.#gone = true;
    await link.end(true); // whoever awaits dispose() is kept alive until the link is closed
  }

  /** The outbox of the link (linking on first use), or undefined once the owner is gone. */
  #outbox(): Outbox | undefined {
    if (this.#gone) return undefined;
    if (!this.#link) {
      const link: Link<ServerMessage> = this.#port ? new PortLink(this.#port) : connectSocketLink(this.address);
      this.#link = link;
      link.start({ frame: (frame) => this.#receive(frame), closed: () => this.#lose(link) });
      if (link instanceof PortLink) this.#withdrawThreadLinks = offerThreadLinks(this.address, () => this.#openPort(link));
    }
    return this.#link.outbox;
  }

  /** A new port to the owner for a worker this thread starts: handed to the owner through this connection's port. */
  #openPort(link: PortLink<ServerMessage>): MessagePort {
    const { port1, port2 } = new MessageChannel();
    link.sendPort(port1);
    return port2;
  }

  #request(message: (id: number) => ClientMessage, items: readonly unknown[] = []): Promise<ServerMessage | undefined> {
    const outbox = this.#outbox();
    if (!outbox) return Promise.resolve(undefined);
    const id = this.#nextId++;
    const answer = new Promise<ServerMessage | undefined>((resolve) => this.#pending.set(id, resolve));
    outbox.send(message(id), items);
    this.#refreshKeepAlive();
    return answer;
  }

  #receive({ header: message, items }: Frame<ServerMessage>): void {
    switch (message.t) {
      case 'put-done':
      case 'polled':
      case 'ack':
      case 'bye': {
        const answer = this.#pending.get(message.id);
        this.#pending.delete(message.id);
        answer?.(message);
        return this.#refreshKeepAlive();
      }
      case 'credit':
        return this.#producers.get(message.c)?.granted(message.n);
      case 'revoke':
        return this.#producers.get(message.c)?.returnCredit();
      case 'closed':
        this.#closedMailboxes.add(message.c);
        return this.#producers.get(message.c)?.returnCredit();
      case 'push':
        return this.#inboxes.get(message.c)?.pushed(items);
      case 'recall':
        return this.#inboxes.get(message.c)?.recalled(message.n);
      case 'ended':
        return this.#inboxes.get(message.c)?.ended();
    }
  }

  /**
   * The link ended (the owner finished, was disposed, or died): answer what is
   * pending. A link that never reached the owner means the mailboxes are no
   * longer served: they were closed and drained (or the owner ended) before this
   * handle first asked, so they count as closed: gets see a clean end of stream.
   */
  #lose(link: Link<ServerMessage>): void {
    this.#unreachable = !link.reached;
    this.#gone = true;
    this.#withdrawThreadLinks?.();
    for (const producer of this.#producers.values()) producer.lost();
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const answer of pending) answer(undefined);
    for (const [c, inbox] of this.#inboxes) inbox.over(this.isClosed(c) ? 'end' : 'gone');
    void link.end(false);
  }

  /** Keep the process alive only while an answer is awaited (see the top of this file). */
  #refreshKeepAlive(): void {
    const waitingGet = [...this.#inboxes.values()].some((inbox) => inbox.waiting);
    this.#link?.keepAlive(this.#pending.size > 0 || waitingGet);
  }
}

/** An Endpoint that talks to the owner over a TransportConnection. */
class RemoteEndpoint<T> implements Endpoint<T> {
  readonly #connection: TransportConnection;
  readonly #c: number;
  readonly #producer: RemoteProducer;
  readonly #inbox: RemoteInbox<T>;

  constructor(connection: TransportConnection, c: number, producer: RemoteProducer, inbox: RemoteInbox<T>) {
    this.#connection = connection;
    this.#c = c;
    this.#producer = producer;
    this.#inbox = inbox;
  }

  put(item: T, timeout?: number): Promise<PutOutcome> {
    return this.#producer.put(item, timeout);
  }

  take(timeout?: number): Promise<TakeOutcome<T>> {
    return this.#inbox.take(timeout);
  }

  close(discard: boolean): void {
    this.#connection.close(this.#c, discard);
  }

  get closed(): boolean {
    return this.#connection.isClosed(this.#c);
  }

  get size(): number {
    return this.#connection.lastKnownSize(this.#c);
  }
}
