/**
 * Queue: Python's `multiprocessing.Queue` for Node, shared by threads and processes.
 *
 *   const queue = new Queue<string>({ capacity: 100 });
 *   fork(file, [JSON.stringify(queue)]);         // or new Thread({ target, args: [queue] })
 *   // in the child:  const queue = Queue.from(JSON.parse(process.argv[2]));
 *   await queue.put('Dato 1');                   // waits while the queue is full
 *   for await (const item of queue) ...          // ends after close() + drain
 *
 * Where the queue lives. Its items and waiting callers exist once, in the thread
 * or process that created it (the owner). Every other side holds a *handle*,
 * plain data `{ kind, name, address, capacity }`, and `Queue.from(handle)` turns
 * it back into a working Queue that sends its puts and gets to the owner. One
 * place decides who gets each item, so with any number of producers and
 * consumers, every item is delivered exactly once (even to a consumer that is
 * killed), and each consumer gets the items of one producer in their order.
 *
 * Passing a queue. A Queue's own fields *are* its handle: a structured clone
 * (postMessage, workerData) copies just those, and JSON (process.send, argv)
 * uses `toJSON()`. Items are copied, never shared: each `put` takes a snapshot.
 *
 * End of stream. `close()` closes the queue for everyone: no more puts (they throw
 * QueueClosedError); consumers drain what is left; then every waiting and future
 * `get` rejects with QueueClosedError and `for await` loops simply end.
 *
 * The machinery is in src/engine/transport/: the owner's state (mailbox.ts, with
 * the exactly-once argument), how it serves other threads and processes
 * (host.ts), and how a handle talks to it (client.ts): a socket, or a
 * MessagePort for a Thread; puts batched under credit, items pushed ahead of gets.
 */
import { TransportConnection } from '../engine/transport/client.js';
import { iterateEndpoint, type Endpoint } from '../engine/transport/endpoint.js';
import { TransportHost } from '../engine/transport/host.js';
import type { NoItem, PutOutcome } from '../engine/transport/protocol.js';
import { registerRevivable } from '../engine/revivable.js';
import { describeValue } from '../engine/validate.js';
import { assertItemCloneable } from './item-check.js';
import { readTimeout, type WaitOptions } from './wait-options.js';

export type { WaitOptions } from './wait-options.js';

export interface QueueOptions {
  /** Most items held at once; `put` waits while the queue is full. Left out: unbounded. */
  capacity?: number;
  /** Shown in error messages; defaults to "queue-<n>". */
  name?: string;
}

/** The plain data that stands for a Queue in another thread or process. */
export interface QueueHandle {
  readonly kind: 'course-kit/queue';
  readonly name: string;
  /** Where the owner serves the queue. */
  readonly address: string;
  /** null (in JSON) or Infinity: unbounded. */
  readonly capacity: number | null;
}

/** `put` on a closed queue, or `get` on a queue that is closed and empty. */
export class QueueClosedError extends Error {
  override readonly name = 'QueueClosedError';
}

/** A `put` or `get` waited longer than its `timeout`. */
export class QueueTimeoutError extends Error {
  override readonly name = 'QueueTimeoutError';
}

const HANDLE_KIND = 'course-kit/queue';
let queuesMade = 0;
/** Set by Queue.from for the constructor call it makes. */
let adopting: QueueHandle | undefined;

export class Queue<T = unknown> implements AsyncIterable<T> {
  // The public fields are exactly the handle: a structured clone of a Queue copies them only.
  readonly kind = HANDLE_KIND;
  readonly name: string;
  readonly address: string;
  /** Most items held at once; Infinity when unbounded. */
  readonly capacity: number;
  readonly #endpoint: Endpoint<T>;
  readonly #release: () => Promise<void>;

  /** Creates a queue owned by this thread or process. */
  constructor(options: QueueOptions = {}) {
    const handle = adopting;
    adopting = undefined;
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`options must be an object like { capacity: 10 }, got ${describeValue(options)}`);
    }
    this.name = handle?.name ?? options.name ?? `queue-${++queuesMade}`;
    this.capacity = handle ? (handle.capacity ?? Infinity) : readCapacity(options.capacity);
    const side = handle
      ? new TransportConnection(handle.address)
      : new TransportHost<T>([{ capacity: this.capacity, delivery: 'exactly-once' }]);
    this.address = side.address;
    this.#endpoint = side instanceof TransportHost ? side.endpoint(0) : side.endpoint<T>(0, 'exactly-once');
    this.#release = () => side.dispose();
  }

  /** The working Queue for a handle received from another thread or process. */
  static from<T = unknown>(handle: QueueHandle | Queue<T>): Queue<T> {
    if (handle instanceof Queue) return handle;
    if (!Queue.isHandle(handle)) {
      throw new TypeError(
        `handle must be a queue handle ({ kind: "${HANDLE_KIND}", name, address, capacity }: a Queue sent ` +
          `through postMessage, workerData, process.send or JSON), got ${describeValue(handle)}`,
      );
    }
    adopting = handle;
    return new Queue<T>();
  }

  /** Whether `value` is a queue handle (or a Queue). */
  static isHandle(value: unknown): value is QueueHandle {
    const { kind, address, name } = (value ?? {}) as Partial<QueueHandle>;
    return typeof value === 'object' && kind === HANDLE_KIND && typeof address === 'string' && typeof name === 'string';
  }

  /**
   * Items put and not yet taken by a get (Python's `qsize()`). Exact in the owner,
   * where it counts the items on their way to a consumer too; elsewhere, the owner's
   * last figure. Like Python's, it may be out of date by the time you read it.
   */
  qsize(): number {
    return this.#endpoint.size;
  }

  empty(): boolean {
    return this.qsize() === 0;
  }

  full(): boolean {
    return this.qsize() >= this.capacity;
  }

  /** Whether this side knows the queue is closed. */
  get closed(): boolean {
    return this.#endpoint.closed;
  }

  /**
   * Adds a copy of `item`. While the queue is full, waits for a `get` to make room
   * (up to `timeout` ms, then rejects with QueueTimeoutError). Rejects with
   * QueueClosedError when the queue is closed, and with TypeError when `item`
   * cannot be copied to another thread (a function, a socket...).
   */
  async put(item: T, options?: WaitOptions): Promise<void> {
    const timeout = readTimeout(options, `put on queue "${this.name}"`);
    if (this.#endpoint.closed) throw this.#failure('closed', 'put');
    assertItemCloneable(item, 'item');
    const outcome = await this.#endpoint.put(item, timeout);
    if (outcome !== 'accepted') throw this.#failure(outcome, 'put', timeout);
  }

  /** `put` that does not wait: rejects with QueueTimeoutError when the queue is full (Python's `put_nowait`). */
  putNowait(item: T): Promise<void> {
    return this.put(item, { timeout: 0 });
  }

  /**
   * Removes and returns the oldest item, waiting while the queue is empty (up to
   * `timeout` ms, then rejects with QueueTimeoutError). Once the queue is closed
   * and drained, rejects with QueueClosedError.
   */
  async get(options?: WaitOptions): Promise<T> {
    const timeout = readTimeout(options, `get on queue "${this.name}"`);
    const outcome = await this.#endpoint.take(timeout);
    if (outcome.kind === 'item') return outcome.item;
    throw this.#failure(outcome.kind, 'get', timeout);
  }

  /** `get` that does not wait: rejects with QueueTimeoutError when no item is there (Python's `get_nowait`). */
  getNowait(): Promise<T> {
    return this.get({ timeout: 0 });
  }

  /** No more puts, for every holder of this queue; consumers drain what is left, then end. */
  close(): void {
    this.#endpoint.close(false);
  }

  /**
   * Frees this side's resources now. In the owner: closes the queue, drops what is
   * left and stops serving it. Elsewhere: disconnects this handle (waiting calls
   * reject, items it had been sent ahead go back to the queue); the queue stays
   * open for the others.
   */
  dispose(): Promise<void> {
    return this.#release();
  }

  /** The plain data to send to another thread or process. */
  handle(): QueueHandle {
    return { kind: HANDLE_KIND, name: this.name, address: this.address, capacity: Number.isFinite(this.capacity) ? this.capacity : null };
  }

  /** JSON.stringify (and process.send) write the handle. */
  toJSON(): QueueHandle {
    return this.handle();
  }

  /** Yields items until the queue is closed and drained. */
  [Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    return iterateEndpoint(this.#endpoint, (kind) => this.#failure(kind, 'get'));
  }

  #failure(why: Exclude<PutOutcome, 'accepted'> | NoItem, operation: 'put' | 'get', timeout?: number): Error {
    const queue = `queue "${this.name}"`;
    switch (why) {
      case 'closed':
        return new QueueClosedError(`cannot put into ${queue}: the queue is closed`);
      case 'end':
        return new QueueClosedError(`${queue} is closed and empty: no more items will come`);
      case 'timeout':
        return operation === 'put'
          ? new QueueTimeoutError(`put on ${queue} timed out after ${timeout} ms: the queue stayed full (capacity ${this.capacity})`)
          : new QueueTimeoutError(`get on ${queue} timed out after ${timeout} ms: the queue stayed empty`);
      case 'canceled':
        return new QueueClosedError(`this handle of ${queue} was disposed while waiting`);
      case 'gone':
        return new QueueClosedError(`${queue} cannot be reached any more: the thread or process that created it ended or disposed it`);
    }
  }
}

function readCapacity(capacity: unknown): number {
  if (capacity === undefined) return Infinity;
  if (typeof capacity !== 'number' || !Number.isInteger(capacity) || capacity <= 0) {
    throw new RangeError(`capacity must be a positive integer (or left out for an unbounded queue), got ${describeValue(capacity)}`);
  }
  return capacity;
}

// A Queue given to a Thread or Process arrives as its handle and is rebuilt there (and disconnected, after a flush, when the task ends).
registerRevivable(HANDLE_KIND, { module: import.meta.url, export: 'Queue', method: 'from', disposable: true });
