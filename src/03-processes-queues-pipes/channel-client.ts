/**
 * The remote side of the transport: a connection from any thread or process to
 * the owner's ChannelHost, giving a ChannelEndpoint for each channel it serves.
 *
 * - Puts with credit return at once; the item is written into the open batch and
 *   the whole batch goes out in one write at the end of the event-loop turn.
 *   Without credit, a put is a request that waits at the owner (back-pressure).
 * - Takes are requests; an iteration asks for up to REMOTE_BATCH items at once.
 * - The socket keeps this process alive only while an answer is awaited or bytes
 *   are still to be written, so a worker or child that is done can simply end.
 */
import { connect, type Socket } from 'node:net';
import type { ChannelEndpoint } from './channel-endpoint.js';
import { FrameReader, FrameWriter } from './channel-frames.js';
import { EARLY_FLUSH_ITEMS, type ClientMessage, type PutOutcome, type ServerMessage, type TakeOutcome } from './channel-protocol.js';

/** Items an iterating remote consumer takes per request. */
export const REMOTE_BATCH = 64;

const ACCEPTED: Promise<PutOutcome> = Promise.resolve('accepted');

type Reply = { message: ServerMessage; items: unknown[] };

interface PendingRequest {
  /** The channel asked about, if any: its answer reports the channel's size. */
  channel?: number;
  answer(reply: Reply): void;
  /** The owner went away before answering. */
  lost(): void;
}

export class ChannelConnection {
  readonly #address: string;
  #socket: Socket | undefined;
  #writer: FrameWriter | undefined;
  readonly #reader = new FrameReader<ServerMessage>();
  readonly #pending = new Map<number, PendingRequest>();
  readonly #credit = new Map<number, number>();
  /** Batches of credit puts sent that the owner has not answered yet, per channel. */
  readonly #unansweredBatches = new Map<number, number>();
  /** Puts waiting for that answer, in call order, per channel. */
  readonly #creditWaiters = new Map<number, Array<() => void>>();
  readonly #closedChannels = new Set<number>();
  readonly #sizes = new Map<number, number>();
  /** One constant header per channel: it also marks which open batch an item may join. */
  readonly #batchHeaders = new Map<number, ClientMessage>();
  #nextId = 1;
  #gone = false;
  #everConnected = false;
  /** Connecting failed: the owner no longer serves these channels. */
  #unreachable = false;
  #disposing: Promise<void> | undefined;

  constructor(address: string) {
    this.#address = address;
  }

  /** Access to channel `channel` of the owner. */
  endpoint<T>(channel: number): ChannelEndpoint<T> {
    return new RemoteEndpoint<T>(this, channel);
  }

  /** Whether the owner said `channel` is closed (or this side closed it). */
  isClosed(channel: number): boolean {
    return this.#closedChannels.has(channel) || this.#unreachable;
  }

  /** The channel's size in the owner's last answer. */
  lastKnownSize(channel: number): number {
    return this.#sizes.get(channel) ?? 0;
  }

  /**
   * Puts in call order. With credit: at once. Without credit, while the owner
   * still owes an answer to a batch already sent: waits for that answer (it
   * usually brings new credit). Otherwise: a put request that waits at the owner.
   */
  put(channel: number, item: unknown, timeout?: number): Promise<PutOutcome> {
    const waiting = this.#creditWaiters.get(channel) ?? [];
    if (waiting.length === 0 && !this.#mustWaitForCredit(channel)) return this.#putNow(channel, item, timeout);
    this.#creditWaiters.set(channel, waiting);
    const outcome = new Promise<PutOutcome>((resolve) => waiting.push(() => resolve(this.#putNow(channel, item, timeout))));
    this.#refreshKeepAlive();
    return outcome;
  }

  #mustWaitForCredit(channel: number): boolean {
    return !this.#gone && (this.#credit.get(channel) ?? 0) === 0 && (this.#unansweredBatches.get(channel) ?? 0) > 0;
  }

  /** Lets waiting puts go, in order, as far as credit (or the lack of an answer to wait for) allows. */
  #releaseCreditWaiters(channel: number): void {
    const waiting = this.#creditWaiters.get(channel);
    while (waiting && waiting.length > 0 && !this.#mustWaitForCredit(channel)) waiting.shift()!();
    this.#refreshKeepAlive();
  }

  #putNow(channel: number, item: unknown, timeout?: number): Promise<PutOutcome> {
    if (this.isClosed(channel)) return Promise.resolve('closed');
    const writer = this.#connected();
    if (!writer) return Promise.resolve('gone');
    const credit = this.#credit.get(channel) ?? 0;
    if (credit > 0) {
      this.#credit.set(channel, credit - 1);
      const batched = writer.appendItem(this.#batchHeader(channel), item);
      if (batched === 1) {
        this.#unansweredBatches.set(channel, (this.#unansweredBatches.get(channel) ?? 0) + 1);
        this.#refreshKeepAlive();
      }
      if (batched >= EARLY_FLUSH_ITEMS) writer.flush();
      return ACCEPTED;
    }
    return this.#request<PutOutcome>(
      channel,
      (id) => ({ t: 'put', c: channel, id, timeout }),
      [item],
      ({ message }) => {
        if (message.t !== 'put-done') return 'gone';
        this.#credit.set(channel, (this.#credit.get(channel) ?? 0) + message.credit);
        return message.outcome;
      },
      () => (this.isClosed(channel) ? 'closed' : 'gone'),
    );
  }

  take<T>(channel: number, max: number, timeout?: number): Promise<TakeOutcome<T>> {
    const lost = (): TakeOutcome<T> => ({ kind: this.isClosed(channel) ? 'end' : 'gone' });
    if (!this.#connected()) return Promise.resolve(lost());
    return this.#request<TakeOutcome<T>>(
      channel,
      (id) => ({ t: 'take', c: channel, id, max, timeout }),
      [],
      ({ message, items }) => {
        if (message.t !== 'taken') return { kind: 'gone' };
        return message.kind === 'items' ? { kind: 'items', items: items as T[] } : { kind: message.kind };
      },
      lost,
    );
  }

  giveBack(channel: number, items: unknown[]): void {
    if (items.length > 0)
      void this.#request(
        undefined,
        (id) => ({ t: 'give-back', c: channel, id }),
        items,
        () => {},
        () => {},
      );
  }

  close(channel: number, discard: boolean): void {
    this.#closedChannels.add(channel);
    this.#returnCredit(channel);
    void this.#request(
      undefined,
      (id) => ({ t: 'close', c: channel, id, discard }),
      [],
      () => {},
      () => {},
    );
  }

  /**
   * Hands back unused credit, withdraws this side's waiting requests (they end as
   * `cancelled`) and closes the connection. The channels stay open for others.
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
    for (const channel of this.#credit.keys()) this.#returnCredit(channel);
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
    channel: number | undefined,
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
        channel,
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
        if (request?.channel !== undefined && 'size' in message) this.#sizes.set(request.channel, message.size);
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
        this.#closedChannels.add(message.c);
        return this.#returnCredit(message.c);
    }
  }

  #returnCredit(channel: number): void {
    const credit = this.#credit.get(channel) ?? 0;
    if (credit === 0) return;
    this.#credit.set(channel, 0);
    this.#connected()?.write({ t: 'return-credit', c: channel, n: credit } satisfies ClientMessage);
  }

  #batchHeader(channel: number): ClientMessage {
    let header = this.#batchHeaders.get(channel);
    if (!header) this.#batchHeaders.set(channel, (header = { t: 'items', c: channel }));
    return header;
  }

  /**
   * The connection ended (the owner finished, was disposed, or died): answer what
   * is pending. A socket that never connected means the channels are no longer
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
    for (const channel of this.#creditWaiters.keys()) this.#releaseCreditWaiters(channel);
  }

  /** Whether this side still expects an answer or has bytes to write (see channel-protocol.ts). */
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

/** A ChannelEndpoint that talks to the owner over a ChannelConnection. */
class RemoteEndpoint<T> implements ChannelEndpoint<T> {
  readonly batchSize = REMOTE_BATCH;
  readonly #connection: ChannelConnection;
  readonly #channel: number;

  constructor(connection: ChannelConnection, channel: number) {
    this.#connection = connection;
    this.#channel = channel;
  }

  put(item: T, timeout?: number): Promise<PutOutcome> {
    return this.#connection.put(this.#channel, item, timeout);
  }

  take(max: number, timeout?: number): Promise<TakeOutcome<T>> {
    return this.#connection.take<T>(this.#channel, max, timeout);
  }

  giveBack(items: T[]): void {
    this.#connection.giveBack(this.#channel, items);
  }

  close(discard: boolean): void {
    this.#connection.close(this.#channel, discard);
  }

  get closed(): boolean {
    return this.#connection.isClosed(this.#channel);
  }

  get size(): number {
    return this.#connection.lastKnownSize(this.#channel);
  }
}
