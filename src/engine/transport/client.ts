/**
 * The remote side of the transport: a connection from any thread or process to
 * the owner's TransportHost, giving an Endpoint for each mailbox it serves.
 *
 * - Puts with credit return at once; the item is written into the open batch and
 *   the whole batch goes out in one write at the end of the event-loop turn.
 *   Without credit, a put is a request that waits at the owner (back-pressure).
 * - Takes are requests; an iteration asks for up to REMOTE_BATCH items at once.
 * - The socket keeps this process alive only while an answer is awaited or bytes
 *   are still to be written, so a worker or child that is done can simply end.
 */
import { connect, type Socket } from 'node:net';
import type { Endpoint } from './endpoint.js';
import { FrameReader, FrameWriter } from './frames.js';
import { EARLY_FLUSH_ITEMS, type ClientMessage, type PutOutcome, type ServerMessage, type TakeOutcome } from './protocol.js';

/** Items an iterating remote consumer takes per request. */
export const REMOTE_BATCH = 64;

const ACCEPTED: Promise<PutOutcome> = Promise.resolve('accepted');

type Reply = { message: ServerMessage; items: unknown[] };

interface PendingRequest {
  /** The mailbox asked about, if any: its answer reports the mailbox's size. */
  mailbox?: number;
  answer(reply: Reply): void;
  /** The owner went away before answering. */
  lost(): void;
}

export class TransportConnection {
  readonly #address: string;
  #socket: Socket | undefined;
  #writer: FrameWriter | undefined;
  readonly #reader = new FrameReader<ServerMessage>();
  readonly #pending = new Map<number, PendingRequest>();
  readonly #credit = new Map<number, number>();
  /** Batches of credit puts sent that the owner has not answered yet, per mailbox. */
  readonly #unansweredBatches = new Map<number, number>();
  /** Puts waiting for that answer, in call order, per mailbox. */
  readonly #creditWaiters = new Map<number, Array<() => void>>();
  readonly #closedMailboxes = new Set<number>();
  readonly #sizes = new Map<number, number>();
  /** One constant header per mailbox: it also marks which open batch an item may join. */
  readonly #batchHeaders = new Map<number, ClientMessage>();
  #nextId = 1;
  #gone = false;
  #everConnected = false;
  /** Connecting failed: the owner no longer serves these mailboxes. */
  #unreachable = false;
  #disposing: Promise<void> | undefined;

  constructor(address: string) {
    this.#address = address;
  }

  /** Access to mailbox `mailbox` of the owner. */
  endpoint<T>(mailbox: number): Endpoint<T> {
    return new RemoteEndpoint<T>(this, mailbox);
  }

  /** Whether the owner said `mailbox` is closed (or this side closed it). */
  isClosed(mailbox: number): boolean {
    return this.#closedMailboxes.has(mailbox) || this.#unreachable;
  }

  /** The mailbox's size in the owner's last answer. */
  lastKnownSize(mailbox: number): number {
    return this.#sizes.get(mailbox) ?? 0;
  }

  /**
   * Puts in call order. With credit: at once. Without credit, while the owner
   * still owes an answer to a batch already sent: waits for that answer (it
   * usually brings new credit). Otherwise: a put request that waits at the owner.
   */
  put(mailbox: number, item: unknown, timeout?: number): Promise<PutOutcome> {
    const waiting = this.#creditWaiters.get(mailbox) ?? [];
    if (waiting.length === 0 && !this.#mustWaitForCredit(mailbox)) return this.#putNow(mailbox, item, timeout);
    this.#creditWaiters.set(mailbox, waiting);
    const outcome = new Promise<PutOutcome>((resolve) => waiting.push(() => resolve(this.#putNow(mailbox, item, timeout))));
    this.#refreshKeepAlive();
    return outcome;
  }

  #mustWaitForCredit(mailbox: number): boolean {
    return !this.#gone && (this.#credit.get(mailbox) ?? 0) === 0 && (this.#unansweredBatches.get(mailbox) ?? 0) > 0;
  }

  /** Lets waiting puts go, in order, as far as credit (or the lack of an answer to wait for) allows. */
  #releaseCreditWaiters(mailbox: number): void {
    const waiting = this.#creditWaiters.get(mailbox);
    while (waiting && waiting.length > 0 && !this.#mustWaitForCredit(mailbox)) waiting.shift()!();
    this.#refreshKeepAlive();
  }

  #putNow(mailbox: number, item: unknown, timeout?: number): Promise<PutOutcome> {
    if (this.isClosed(mailbox)) return Promise.resolve('closed');
    const writer = this.#connected();
    if (!writer) return Promise.resolve('gone');
    const credit = this.#credit.get(mailbox) ?? 0;
    if (credit > 0) {
      this.#credit.set(mailbox, credit - 1);
      const batched = writer.appendItem(this.#batchHeader(mailbox), item);
      if (batched === 1) {
        this.#unansweredBatches.set(mailbox, (this.#unansweredBatches.get(mailbox) ?? 0) + 1);
        this.#refreshKeepAlive();
      }
      if (batched >= EARLY_FLUSH_ITEMS) writer.flush();
      return ACCEPTED;
    }
    return this.#request<PutOutcome>(
      mailbox,
      (id) => ({ t: 'put', c: mailbox, id, timeout }),
      [item],
      ({ message }) => {
        if (message.t !== 'put-done') return 'gone';
        this.#credit.set(mailbox, (this.#credit.get(mailbox) ?? 0) + message.credit);
        return message.outcome;
      },
      () => (this.isClosed(mailbox) ? 'closed' : 'gone'),
    );
  }

  take<T>(mailbox: number, max: number, timeout?: number): Promise<TakeOutcome<T>> {
    const lost = (): TakeOutcome<T> => ({ kind: this.isClosed(mailbox) ? 'end' : 'gone' });
    if (!this.#connected()) return Promise.resolve(lost());
    return this.#request<TakeOutcome<T>>(
      mailbox,
      (id) => ({ t: 'take', c: mailbox, id, max, timeout }),
      [],
      ({ message, items }) => {
        if (message.t !== 'taken') return { kind: 'gone' };
        return message.kind === 'items' ? { kind: 'items', items: items as T[] } : { kind: message.kind };
      },
      lost,
    );
  }

  giveBack(mailbox: number, items: unknown[]): void {
    if (items.length > 0)
      void this.#request(
        undefined,
        (id) => ({ t: 'give-back', c: mailbox, id }),
        items,
        () => {},
        () => {},
      );
  }

  close(mailbox: number, discard: boolean): void {
    this.#closedMailboxes.add(mailbox);
    this.#returnCredit(mailbox);
    void this.#request(
      undefined,
      (id) => ({ t: 'close', c: mailbox, id, discard }),
      [],
      () => {},
      () => {},
    );
  }

  /**
   * Hands back unused credit, withdraws this side's waiting requests (they end as
   * `cancelled`) and closes the connection. The mailboxes stay open for others.
   */
  dispose(): Promise<void> {
    this.#disposing ??= this.#disconnect();
    return this.#disposing;
  }

  async #disconnect(): Promise<void> {
    const socket = this.#socket;
    if (!socket || this.#gone) {
      this.#gone = true;
      return;
    }
    for (const mailbox of this.#credit.keys()) this.#returnCredit(mailbox);
    await this.#request(
      undefined,
      (id) => ({ t: 'bye', id }),
      [],
      () => undefined,
      () => undefined,
    );
    this.#gone = true;
    await new Promise<void>((resolve) => {
      if (socket.closed) return resolve();
      socket.ref(); // Whoever awaits dispose() waits for the close: keep the program alive until then.
      socket.once('close', () => resolve());
      this.#writer?.flush();
      socket.end();
    });
  }

  /** The writer of the open connection (connecting on first use), or undefined when the owner is gone. */
  #connected(): FrameWriter | undefined {
    if (this.#gone) return undefined;
    if (this.#writer) return this.#writer;
    const socket = connect(this.#address);
    this.#socket = socket;
    this.#writer = new FrameWriter(socket, () => this.#refreshKeepAlive());
    socket.on('data', (chunk: Buffer) => {
      for (const frame of this.#reader.push(chunk)) this.#receive(frame.header, frame.items);
    });
    socket.once('connect', () => (this.#everConnected = true));
    socket.on('error', () => {}); // 'close' follows.
    socket.once('close', () => this.#lose());
    return this.#writer;
  }

  #request<Result>(
    mailbox: number | undefined,
    makeMessage: (id: number) => ClientMessage,
    items: unknown[],
    answer: (reply: Reply) => Result,
    lost: () => Result,
  ): Promise<Result> {
    const writer = this.#connected();
    if (!writer) return Promise.resolve(lost());
    const id = this.#nextId++;
    const result = new Promise<Result>((resolve) => {
      this.#pending.set(id, {
        mailbox,
        answer: (reply) => resolve(answer(reply)),
        lost: () => resolve(lost()),
      });
    });
    writer.write(makeMessage(id), items);
    this.#refreshKeepAlive();
    return result;
  }

  #receive(message: ServerMessage, items: unknown[]): void {
    switch (message.t) {
      case 'put-done':
      case 'taken':
      case 'ack':
      case 'bye': {
        const request = this.#pending.get(message.id);
        this.#pending.delete(message.id);
        if (request?.mailbox !== undefined && 'size' in message) this.#sizes.set(request.mailbox, message.size);
        request?.answer({ message, items });
        this.#refreshKeepAlive();
        return;
      }
      case 'credit':
        this.#credit.set(message.c, (this.#credit.get(message.c) ?? 0) + message.n);
        this.#unansweredBatches.set(message.c, (this.#unansweredBatches.get(message.c) ?? 1) - 1);
        this.#releaseCreditWaiters(message.c);
        return this.#refreshKeepAlive();
      case 'revoke':
        return this.#returnCredit(message.c);
      case 'closed':
        this.#closedMailboxes.add(message.c);
        return this.#returnCredit(message.c);
    }
  }

  #returnCredit(mailbox: number): void {
    const credit = this.#credit.get(mailbox) ?? 0;
    if (credit === 0) return;
    this.#credit.set(mailbox, 0);
    this.#connected()?.write({ t: 'return-credit', c: mailbox, n: credit } satisfies ClientMessage);
  }

  #batchHeader(mailbox: number): ClientMessage {
    let header = this.#batchHeaders.get(mailbox);
    if (!header) this.#batchHeaders.set(mailbox, (header = { t: 'items', c: mailbox }));
    return header;
  }

  /**
   * The connection ended (the owner finished, was disposed, or died): answer what
   * is pending. A socket that never connected means the mailboxes are no longer
   * served: they were closed and drained (or the owner ended) before this handle
   * first asked, so they count as closed: takes see a clean end of stream.
   */
  #lose(): void {
    this.#unreachable = !this.#everConnected;
    this.#gone = true;
    this.#credit.clear();
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const request of pending) request.lost();
    for (const mailbox of this.#creditWaiters.keys()) this.#releaseCreditWaiters(mailbox);
  }

  /** Whether this side still expects an answer or has bytes to write (see protocol.ts). */
  #expectsMore(): boolean {
    if (this.#pending.size > 0 || this.#writer?.busy) return true;
    for (const waiting of this.#creditWaiters.values()) if (waiting.length > 0) return true;
    for (const unanswered of this.#unansweredBatches.values()) if (unanswered > 0) return true;
    return false;
  }

  /** Ref the socket only while this side expects more; otherwise it never keeps the process alive. */
  #refreshKeepAlive(): void {
    const socket = this.#socket;
    if (!socket || socket.destroyed) return;
    if (this.#expectsMore()) socket.ref();
    else socket.unref();
  }
}

/** A Endpoint that talks to the owner over a TransportConnection. */
class RemoteEndpoint<T> implements Endpoint<T> {
  readonly batchSize = REMOTE_BATCH;
  readonly #connection: TransportConnection;
  readonly #mailbox: number;

  constructor(connection: TransportConnection, mailbox: number) {
    this.#connection = connection;
    this.#mailbox = mailbox;
  }

  put(item: T, timeout?: number): Promise<PutOutcome> {
    return this.#connection.put(this.#mailbox, item, timeout);
  }

  take(max: number, timeout?: number): Promise<TakeOutcome<T>> {
    return this.#connection.take<T>(this.#mailbox, max, timeout);
  }

  giveBack(items: T[]): void {
    this.#connection.giveBack(this.#mailbox, items);
  }

  close(discard: boolean): void {
    this.#connection.close(this.#mailbox, discard);
  }

  get closed(): boolean {
    return this.#connection.isClosed(this.#mailbox);
  }

  get size(): number {
    return this.#connection.lastKnownSize(this.#mailbox);
  }
}
