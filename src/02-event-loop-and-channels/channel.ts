/**
 * Go-style channels on the event loop (CSP: "share memory by communicating").
 *
 * A Channel<T> has a buffer of `capacity` values and two queues: senders waiting
 * for room (or, unbuffered, for a receiver) and receivers waiting for a value.
 * - capacity 0 (unbuffered) is a rendezvous: `send` resolves only when a receiver
 *   has taken the value, so sender and receiver meet, as in Go.
 * - capacity n: `send` resolves as soon as the value is in the buffer; when the
 *   buffer is full, senders wait. That wait is backpressure.
 * - `recv()` resolves to `{ value, ok }`, like Go's `v, ok := <-ch`: after close()
 *   receivers drain what is buffered, then get `ok: false`. Sending on a closed
 *   channel is an error (Go panics), and so is closing twice.
 *
 * `select(cases)` waits on several channel operations and performs exactly one.
 * When several are ready it picks one *at random*, as Go does, so that no ready case
 * starves. A waiting operation is a "ticket" placed in each channel's queue; the
 * first channel to claim the ticket wins and the others are withdrawn.
 */

/** What recv gives: a value with ok = true, or ok = false once the channel is closed and drained. */
export type RecvResult<T> = { value: T; ok: true } | { value: undefined; ok: false };

export interface ChannelOptions {
  /** Shown in error messages; defaults to "channel-<n>". */
  name?: string;
}

/** Options of one send or recv. */
export interface OperationOptions {
  /** Withdraws a waiting send/recv: it rejects with `signal.reason` and takes or gives nothing. */
  signal?: AbortSignal;
}

export interface SelectOptions<R> {
  /** Runs at once when no case is ready (Go's `default:`): select then never waits. */
  default?: () => R | Promise<R>;
  /** Withdraws a waiting select: it rejects with `signal.reason` and performs no case. */
  signal?: AbortSignal;
}

/** One waiting operation (a send, a recv, or a whole select): whoever claims it first completes it. */
interface Ticket {
  /** True for the one caller that may complete the operation; false ever after. */
  claim(): boolean;
}

interface WaitingReceiver<T> {
  readonly ticket: Ticket;
  deliver(result: RecvResult<T>): void;
}

interface WaitingSender<T> {
  readonly ticket: Ticket;
  readonly value: T;
  sent(): void;
  fail(error: Error): void;
}

type Run<R> = () => R | Promise<R>;

const CASE = Symbol('select case');

interface CaseOperations<R> {
  /** Performs the operation if it can complete now, returning the handler to run; otherwise undefined. */
  attempt(): Run<R> | undefined;
  /** Waits in the channel's queue under `ticket`; returns the withdrawal. */
  enqueue(ticket: Ticket, settle: (run: Run<R>) => void, fail: (error: unknown) => void): () => void;
}

/** One operation for select(): made by `channel.recvCase(handler)` or `channel.sendCase(value, handler)`. */
export interface SelectCase<R> {
  /** The channel's name (for messages). */
  readonly channel: string;
  readonly [CASE]: CaseOperations<R>;
}

let channelsMade = 0;

export class Channel<T> implements AsyncIterable<T> {
  readonly capacity: number;
  readonly name: string;
  readonly #buffer: T[] = [];
  readonly #receivers: WaitingReceiver<T>[] = [];
  readonly #senders: WaitingSender<T>[] = [];
  #closed = false;

  /** A channel with room for `capacity` values (0, the default: unbuffered, a rendezvous). */
  constructor(capacity = 0, options: ChannelOptions = {}) {
    if (typeof capacity !== 'number' || !Number.isInteger(capacity) || capacity < 0) {
      throw new RangeError(`capacity must be an integer >= 0, got ${String(capacity)}`);
    }
    this.capacity = capacity;
    this.name = options.name ?? `channel-${++channelsMade}`;
  }

  /** Whether close() was called (values may still be buffered). */
  get closed(): boolean {
    return this.#closed;
  }

  /** Values in the buffer now. */
  get length(): number {
    return this.#buffer.length;
  }

  /**
   * Sends `value`: resolves when a receiver took it (unbuffered) or it is in the
   * buffer. Rejects if the channel is closed (before or while waiting).
   */
  send(value: T, options: OperationOptions = {}): Promise<void> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    try {
      if (this.#trySend(value)) return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
    return waitForOne<void>(signal, (ticket, resolve, reject) =>
      this.#enqueue(this.#senders, { ticket, value, sent: resolve, fail: reject }),
    );
  }

  /** Receives the next value: `{ value, ok: true }`, or `{ value: undefined, ok: false }` once closed and drained. */
  recv(options: OperationOptions = {}): Promise<RecvResult<T>> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const now = this.#tryRecv();
    if (now) return Promise.resolve(now);
    return waitForOne<RecvResult<T>>(signal, (ticket, resolve) => this.#enqueue(this.#receivers, { ticket, deliver: resolve }));
  }

  /**
   * Closes the channel: no more sends. Waiting receivers get ok = false, waiting
   * senders are rejected; buffered values can still be received.
   */
  close(): void {
    if (this.#closed) throw new Error(`close of closed channel "${this.name}"`);
    this.#closed = true;
    for (let receiver = this.#claim(this.#receivers); receiver; receiver = this.#claim(this.#receivers)) {
      receiver.deliver({ value: undefined, ok: false });
    }
    for (let sender = this.#claim(this.#senders); sender; sender = this.#claim(this.#senders)) {
      sender.fail(this.#closedError());
    }
  }

  /** `for await (const value of channel)`: every value until the channel is closed and drained. */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for (;;) {
      const result = await this.recv();
      if (!result.ok) return;
      yield result.value;
    }
  }

  /** A select() case receiving from this channel; `handler` gets `{ value, ok }`. */
  recvCase<R>(handler: (result: RecvResult<T>) => R | Promise<R>): SelectCase<R> {
    if (typeof handler !== 'function') throw new TypeError(`handler must be a function, got ${String(handler)}`);
    return {
      channel: this.name,
      [CASE]: {
        attempt: () => {
          const result = this.#tryRecv();
          return result && (() => handler(result));
        },
        enqueue: (ticket, settle) => this.#enqueue(this.#receivers, { ticket, deliver: (result) => settle(() => handler(result)) }),
      },
    };
  }

  /** A select() case sending `value` on this channel; `handler` runs once it is sent. */
  sendCase(value: T): SelectCase<void>;
  sendCase<R>(value: T, handler: () => R | Promise<R>): SelectCase<R>;
  sendCase<R>(value: T, handler?: () => R | Promise<R>): SelectCase<R | void> {
    if (handler !== undefined && typeof handler !== 'function') {
      throw new TypeError(`handler must be a function, got ${String(handler)}`);
    }
    const run: Run<R | void> = handler ?? (() => undefined);
    return {
      channel: this.name,
      [CASE]: {
        attempt: () => (this.#trySend(value) ? run : undefined),
        enqueue: (ticket, settle, fail) => this.#enqueue(this.#senders, { ticket, value, sent: () => settle(run), fail }),
      },
    };
  }

  /** Completes a send now if a receiver waits or the buffer has room. Throws if closed. */
  #trySend(value: T): boolean {
    if (this.#closed) throw this.#closedError();
    const receiver = this.#claim(this.#receivers);
    if (receiver) {
      receiver.deliver({ value, ok: true });
      return true;
    }
    if (this.#buffer.length < this.capacity) {
      this.#buffer.push(value);
      return true;
    }
    return false;
  }

  /** Completes a receive now if a value is buffered, a sender waits, or the channel is closed. */
  #tryRecv(): RecvResult<T> | undefined {
    if (this.#buffer.length > 0) {
      const value = this.#buffer.shift() as T;
      const sender = this.#claim(this.#senders); // room again: let one waiting sender in
      if (sender) {
        this.#buffer.push(sender.value);
        sender.sent();
      }
      return { value, ok: true };
    }
    const sender = this.#claim(this.#senders);
    if (sender) {
      sender.sent();
      return { value: sender.value, ok: true };
    }
    return this.#closed ? { value: undefined, ok: false } : undefined;
  }

  /** The first waiting entry whose ticket can still be claimed (entries of finished selects are skipped). */
  #claim<Entry extends { ticket: Ticket }>(queue: Entry[]): Entry | undefined {
    while (queue.length > 0) {
      const entry = queue.shift() as Entry;
      if (entry.ticket.claim()) return entry;
    }
    return undefined;
  }

  #enqueue<Entry>(queue: Entry[], entry: Entry): () => void {
    queue.push(entry);
    return () => {
      const position = queue.indexOf(entry);
      if (position >= 0) queue.splice(position, 1);
    };
  }

  #closedError(): Error {
    return new Error(`send on closed channel "${this.name}"`);
  }
}

/**
 * Performs exactly one of `cases`: one that is ready now (chosen at random among
 * the ready ones), else `options.default` if given, else the first to become
 * ready. Resolves to what that case's handler returns. A send case on a closed
 * channel rejects, as in Go.
 */
export async function select<R>(cases: readonly SelectCase<R>[], options: SelectOptions<R> = {}): Promise<R> {
  if (!Array.isArray(cases) || cases.some((c) => typeof c !== 'object' || c === null || !(CASE in c))) {
    throw new TypeError('cases must be an array of channel.recvCase(...) / channel.sendCase(...) cases');
  }
  if (options.default !== undefined && typeof options.default !== 'function') {
    throw new TypeError(`default must be a function, got ${String(options.default)}`);
  }
  if (cases.length === 0 && options.default === undefined) {
    throw new RangeError('cases must not be empty without a default (it would wait forever)');
  }
  const { signal } = options;
  if (signal?.aborted) throw signal.reason;
  for (const selectCase of shuffled(cases)) {
    const run = selectCase[CASE].attempt();
    if (run) return await run();
  }
  if (options.default) return await options.default();
  const run = await waitForOne<Run<R>>(signal, (ticket, resolve, reject) => {
    const withdrawals = cases.map((selectCase) => selectCase[CASE].enqueue(ticket, resolve, reject));
    return () => withdrawals.forEach((withdraw) => withdraw());
  });
  return await run();
}

/**
 * Starts a waiting operation under a fresh ticket. Whoever claims the ticket first
 * (a channel completing it, or the abort signal) wins; claiming withdraws the
 * operation from every queue it waits in.
 */
function waitForOne<V>(
  signal: AbortSignal | undefined,
  enqueue: (ticket: Ticket, resolve: (value: V) => void, reject: (error: unknown) => void) => () => void,
): Promise<V> {
  return new Promise<V>((resolve, reject) => {
    let open = true;
    let withdraw = (): void => {};
    const onAbort = (): void => {
      if (ticket.claim()) reject(signal?.reason);
    };
    const ticket: Ticket = {
      claim: () => {
        if (!open) return false;
        open = false;
        withdraw();
        signal?.removeEventListener('abort', onAbort);
        return true;
      },
    };
    withdraw = enqueue(ticket, resolve, reject);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A copy of `items` in random order (Fisher–Yates). */
function shuffled<Item>(items: readonly Item[]): Item[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}
