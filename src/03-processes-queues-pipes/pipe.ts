/**
 * Pipe: Python's `multiprocessing.Pipe` for Node, between threads and processes.
 *
 *   const [parentEnd, childEnd] = Pipe<string>();
 *   fork(file, [JSON.stringify(childEnd)]);      // or new Thread({ target, args: [childEnd] })
 *   // in the child:  const end = connection(JSON.parse(process.argv[2]));
 *   parentEnd.send('Hola');                      // never waits (like process.send)
 *   const reply = await end.recv();              // waits for a value
 *
 * `Pipe()` gives two ends; what one end sends, the other receives, in order.
 * `Pipe({ duplex: false })` gives `[receiveEnd, sendEnd]`, one way only, as in Python.
 *
 * How it works. A pipe is one inbox per end, kept by the thread or process that
 * called `Pipe()` and served exactly like a Queue's items (see queue.ts). What is
 * sent travels on to the receiving end at once, ahead of its `recv` calls; as with
 * an OS pipe, what reached a receiving end that dies unread is gone. An end's own
 * fields are its handle, so a structured clone or JSON of an end is plain data,
 * and `connection(handle)` turns it back into a working end anywhere.
 *
 * Closing. Unlike a Python file descriptor, an end is one object wherever it is
 * used: `close()` closes that end for every holder. After `a.close()`, `b.recv()`
 * still returns what `a` had sent, then rejects with PipeClosedError (end of
 * stream, Python's EOFError) and `for await` loops end; `b.send()` throws
 * PipeClosedError. A thread or process that held an end and ends (returns,
 * crashes or is killed) closes it too, as the OS closes a dead process's pipe
 * descriptors: the other end's `recv` does not wait for ever. An end you keep
 * open but never use still keeps the other end's `recv` waiting, so close ends
 * when done, or give `recv` a timeout.
 *
 * The machinery is in src/engine/transport/ (host.ts, client.ts): a socket
 * between processes, a MessagePort between a Thread and its creator.
 */
import { TransportConnection } from '../engine/transport/client.js';
import { iterateEndpoint, type Endpoint } from '../engine/transport/endpoint.js';
import { TransportHost } from '../engine/transport/host.js';
import type { NoItem } from '../engine/transport/protocol.js';
import { registerRevivable } from '../engine/revivable.js';
import { describeValue } from '../engine/validate.js';
import { assertItemCloneable } from './item-check.js';
import { readTimeout, type WaitOptions } from './wait-options.js';

export interface PipeOptions {
  /** Both ends send and receive (default). false: `[receiveEnd, sendEnd]`. */
  duplex?: boolean;
  /** Shown in error messages; defaults to "pipe-<n>". */
  name?: string;
}

/** The plain data that stands for a pipe end in another thread or process. */
export interface PipeEndHandle {
  readonly kind: 'course-kit/pipe-end';
  /** e.g. "pipe-1 end A". */
  readonly name: string;
  readonly address: string;
  /** The mailbox this end receives from (null: it cannot receive). */
  readonly inbox: number | null;
  /** The mailbox this end sends to (null: it cannot send). */
  readonly outbox: number | null;
}

/** recv at end of stream, or send/recv on a closed pipe. */
export class PipeClosedError extends Error {
  override readonly name = 'PipeClosedError';
}

/** recv waited longer than its `timeout`. */
export class PipeTimeoutError extends Error {
  override readonly name = 'PipeTimeoutError';
}

const HANDLE_KIND = 'course-kit/pipe-end';
let pipesMade = 0;

/** The owner's side of a pipe (TransportHost) or a remote handle's (TransportConnection). */
type Side = TransportHost<unknown> | TransportConnection;

/** One end of a Pipe. Made by `Pipe()` or `connection(handle)`, not with `new`. */
export class PipeEnd<T = unknown> implements AsyncIterable<T> {
  // The public fields are exactly the handle: a structured clone of an end copies them only.
  readonly kind = HANDLE_KIND;
  readonly name: string;
  readonly address: string;
  readonly inbox: number | null;
  readonly outbox: number | null;
  readonly #receiving: Endpoint<T> | undefined;
  readonly #sending: Endpoint<T> | undefined;
  readonly #release: () => Promise<void>;
  #closed = false;
  /** A send was refused: the other end closed before the value arrived. */
  #broken = false;

  /** @internal Use `Pipe()` or `connection(handle)`. */
  constructor(handle: PipeEndHandle, side: Side, release: () => Promise<void>) {
    this.name = handle.name;
    this.address = handle.address;
    this.inbox = handle.inbox;
    this.outbox = handle.outbox;
    const endpoint = (mailbox: number | null) =>
      mailbox === null ? undefined : side instanceof TransportHost ? side.endpoint(mailbox) : side.endpoint<T>(mailbox, 'stream');
    this.#receiving = endpoint(handle.inbox) as Endpoint<T> | undefined;
    this.#sending = endpoint(handle.outbox) as Endpoint<T> | undefined;
    this.#release = release;
    // A holder elsewhere that ends without closing its end (it exits, crashes or is
    // killed) closes it, as the OS closes a dead process's pipe descriptors.
    if (side instanceof TransportConnection) {
      if (handle.outbox !== null) side.closeWhenGone(handle.outbox, false);
      if (handle.inbox !== null) side.closeWhenGone(handle.inbox, true);
    }
  }

  /** Whether close() was called on this end object. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Sends a copy of `value` to the other end. Never waits (the pipe is unbounded).
   * Throws PipeClosedError when the pipe is closed, TypeError when `value` cannot
   * be copied to another thread or when this end is receive-only.
   */
  send(value: T): void {
    const sending = this.#sending;
    if (!sending) throw new TypeError(`${this.name} cannot send: it is the receive end of a one-way pipe (Pipe({ duplex: false }))`);
    if (this.#closed) throw new PipeClosedError(`cannot send on ${this.name}: this end is closed`);
    if (sending.closed || this.#broken) throw new PipeClosedError(`cannot send on ${this.name}: the other end is closed`);
    assertItemCloneable(value, 'value');
    void sending.put(value).then((outcome) => {
      // A value sent while the other end was closing is dropped, as on a broken pipe; the next send throws.
      if (outcome !== 'accepted') this.#broken = true;
    });
  }

  /**
   * Receives the next value, waiting for it (up to `timeout` ms, then rejects with
   * PipeTimeoutError). Once the other end is closed and everything it sent has
   * been received, rejects with PipeClosedError.
   */
  async recv(options?: WaitOptions): Promise<T> {
    const receiving = this.#receivingFor('recv');
    const timeout = readTimeout(options, `recv on ${this.name}`);
    const outcome = await receiving.take(timeout);
    if (outcome.kind === 'item') return outcome.item;
    throw this.#recvFailure(outcome.kind, timeout);
  }

  /** Closes this end for every holder: the other end reads what is left, then sees end of stream. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#sending?.close(false);
    this.#receiving?.close(true);
  }

  /** Closes this end and frees what this side holds: a remote end disconnects. */
  async dispose(): Promise<void> {
    this.close();
    await this.#release();
  }

  /** The plain data to send to another thread or process. */
  handle(): PipeEndHandle {
    return { kind: HANDLE_KIND, name: this.name, address: this.address, inbox: this.inbox, outbox: this.outbox };
  }

  /** JSON.stringify (and process.send) write the handle. */
  toJSON(): PipeEndHandle {
    return this.handle();
  }

  /** Yields received values until end of stream. */
  [Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    return iterateEndpoint(this.#receivingFor('iterate'), (kind) => this.#recvFailure(kind));
  }

  #receivingFor(operation: string): Endpoint<T> {
    const receiving = this.#receiving;
    if (!receiving) throw new TypeError(`${this.name} cannot ${operation}: it is the send end of a one-way pipe (Pipe({ duplex: false }))`);
    if (this.#closed) throw new PipeClosedError(`cannot ${operation} on ${this.name}: this end is closed`);
    return receiving;
  }

  #recvFailure(why: NoItem, timeout?: number): Error {
    switch (why) {
      case 'end':
        return new PipeClosedError(
          `recv on ${this.name}: the other end is closed and everything it sent has been received (end of stream)`,
        );
      case 'timeout':
        return new PipeTimeoutError(`recv on ${this.name} timed out after ${timeout} ms: nothing was sent`);
      case 'canceled':
        return new PipeClosedError(`${this.name} was disposed while waiting in recv`);
      case 'gone':
        return new PipeClosedError(`${this.name} cannot be reached: the thread or process that created the pipe has ended`);
    }
  }
}

/**
 * Creates a pipe owned by this thread or process. Duplex (default): `[a, b]`,
 * both send and receive. `{ duplex: false }`: `[receiveEnd, sendEnd]`.
 */
export function Pipe<T = unknown>(options: PipeOptions = {}): [PipeEnd<T>, PipeEnd<T>] {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`options must be an object like { duplex: false }, got ${describeValue(options)}`);
  }
  const duplex = options.duplex ?? true;
  if (typeof duplex !== 'boolean') throw new TypeError(`duplex must be true or false, got ${describeValue(duplex)}`);
  const name = options.name ?? `pipe-${++pipesMade}`;
  const inbox = { capacity: Infinity, delivery: 'stream' } as const;
  const host = new TransportHost<unknown>(duplex ? [inbox, inbox] : [inbox]);
  // The owner's socket closes by itself once both ends are closed.
  const end = (label: string, inbox: number | null, outbox: number | null) =>
    new PipeEnd<T>({ kind: HANDLE_KIND, name: `${name} ${label}`, address: host.address, inbox, outbox }, host, async () => {});
  // Mailbox 0 is the first end's inbox; in a duplex pipe mailbox 1 is the second end's.
  return duplex ? [end('end A', 0, 1), end('end B', 1, 0)] : [end('receive end', 0, null), end('send end', null, 0)];
}

/** The working end for a handle received from another thread or process. */
export function connection<T = unknown>(handle: PipeEndHandle | PipeEnd<T>): PipeEnd<T> {
  if (handle instanceof PipeEnd) return handle;
  if (!isPipeEndHandle(handle)) {
    throw new TypeError(
      `handle must be a pipe end handle ({ kind: "${HANDLE_KIND}", name, address, inbox, outbox }: an end sent ` +
        `through postMessage, workerData, process.send or JSON), got ${describeValue(handle)}`,
    );
  }
  const link = new TransportConnection(handle.address);
  return new PipeEnd<T>(handle, link, () => link.dispose());
}

/** Whether `value` is a pipe end handle (or a PipeEnd). */
export function isPipeEndHandle(value: unknown): value is PipeEndHandle {
  const { kind, address, name, inbox, outbox } = (value ?? {}) as Partial<PipeEndHandle>;
  const mailbox = (index: unknown) => index === null || typeof index === 'number';
  return (
    typeof value === 'object' &&
    kind === HANDLE_KIND &&
    typeof address === 'string' &&
    typeof name === 'string' &&
    mailbox(inbox) &&
    mailbox(outbox)
  );
}

// A pipe end given to a Thread or Process arrives as its handle and is rebuilt there (and closed, after a flush, when the task ends).
registerRevivable(HANDLE_KIND, { module: import.meta.url, export: 'connection', disposable: true });
