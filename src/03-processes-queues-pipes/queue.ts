/**
 * Queue: Python's `multiprocessing.Queue` for Node, shared by threads and processes.
 *
 *   const queue = new Queue<string>({ capacity: 100 });
 *   fork(file, [JSON.stringify(queue)]);         // or worker.postMessage(queue)
 *   // in the child:  const queue = Queue.from(JSON.parse(process.argv[2]));
 *   await queue.put('Dato 1');                   // waits while the queue is full
 *   for await (const item of queue) ...          // ends after close() + drain
 *
 * Where the queue lives. Its state (items, waiting callers) exists once, in the
 * thread or process that created it (the owner). The owner calls it directly;
 * every other side holds a *handle*, plain data `{ kind, name, address, capacity }`,
 * and `Queue.from(handle)` turns it back into a working Queue that sends its puts
 * and gets to the owner. One place decides who gets each item, so with any number
 * of producers and consumers in any threads and processes, every item is delivered
 * exactly once, and items of one producer keep their order.
 *
 * Passing a queue. A Queue's own fields *are* its handle: a structured clone
 * (postMessage, workerData, `serialization: 'advanced'`) copies just those, and
 * JSON (process.send, argv) uses `toJSON()`. The other side calls `Queue.from`.
 * Items are copied, never shared: each `put` takes a snapshot of the item.
 *
 * Transport (measured in bench/03-queue.bench.ts). The owner serves the queue on
 * a local socket (engine/transport/host.ts): a Unix domain socket works the same for worker
 * threads, child processes and grandchildren, and its address is plain text, so
 * the handle can be copied anywhere. MessagePorts would be faster between threads,
 * but a port must be *transferred* (listed in transferList, and then it is gone
 * from the sender): a handle copied to four workers or sent as JSON to a child
 * cannot carry one. The socket's cost is won back by batching: a remote producer
 * holds *credit* (slots reserved for it), so its puts return at once and every
 * put of one event-loop turn travels in one frame; a remote iteration takes up to
 * 64 items per request. With that, a child → parent queue moves items several
 * times faster than one `process.send` per item, and a worker → main queue is on
 * par with one `postMessage` per item (see the bench for this machine's figures).
 *
 * End of stream. `close()` closes the queue for everyone: no more puts (they throw
 * QueueClosedError); consumers drain what is left; then every waiting and future
 * `get` rejects with QueueClosedError and `for await` loops simply end.
 */
import { TransportConnection } from '../engine/transport/client.js';
import { iterateEndpoint, type Endpoint } from '../engine/transport/endpoint.js';
import { TransportHost } from '../engine/transport/host.js';
import { assertItemCloneable } from './item-check.js';
import type { TakeOutcome } from '../engine/transport/protocol.js';
import { describeValue } from '../engine/validate.js';
import { readTimeout, type WaitOptions } from './wait-options.js';
import { registerRevivable } from '../engine/revivable.js';

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
  /** The owner's socket. */
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
/** Set by Queue.from for the constructor call it makes (see the constructor). */
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
    if (handle) {
      this.name = handle.name;
      this.address = handle.address;
      this.capacity = handle.capacity ?? Infinity;
      const connection = new TransportConnection(handle.address);
      this.#endpoint = connection.endpoint<T>(0);
      this.#release = () => connection.dispose();
      return;
    }
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`options must be an object like { capacity: 10 }, got ${describeValue(options)}`);
    }
    this.capacity = readCapacity(options.capacity);
    this.name = options.name ?? `queue-${++queuesMade}`;
    const host = new TransportHost<T>([this.capacity]);
    this.address = host.address;
    this.#endpoint = host.endpoint(0);
    this.#release = () => host.dispose();
  }

  /**
   * The working Queue for a handle received from another thread or process (a
   * Queue passed through postMessage, workerData, process.send or JSON).
   */
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
    const candidate = value as Partial<QueueHandle> | null;
    return (
      typeof candidate === 'object' &&
      candidate !== null &&
      candidate.kind === HANDLE_KIND &&
      typeof candidate.address === 'string' &&
      typeof candidate.name === 'string'
    );
  }

  /** Items in the queue: exact in the owner; elsewhere, the figure of the owner's last answer. */
  get size(): number {
    return this.#endpoint.size;
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
    if (this.#endpoint.closed) throw this.#closedForPut();
    assertItemCloneable(item, 'item');
    const outcome = await this.#endpoint.put(item, timeout);
    switch (outcome) {
      case 'accepted':
        return;
      case 'closed':
        throw this.#closedForPut();
      case 'timeout':
        throw new QueueTimeoutError(
          `put on queue "${this.name}" timed out after ${timeout} ms: the queue stayed full (capacity ${this.capacity})`,
        );
      default:
        throw this.#takeFailure(outcome);
    }
  }

  /**
   * Removes and returns the oldest item, waiting while the queue is empty (up to
   * `timeout` ms, then rejects with QueueTimeoutError). Once the queue is closed
   * and drained, rejects with QueueClosedError.
   */
  async get(options?: WaitOptions): Promise<T> {
    const timeout = readTimeout(options, `get on queue "${this.name}"`);
    const outcome = await this.#endpoint.take(1, timeout);
    if (outcome.kind === 'items') return outcome.items[0];
    throw this.#takeFailure(outcome.kind, timeout);
  }

  /** No more puts, for every holder of this queue; consumers drain what is left, then end. */
  close(): void {
    this.#endpoint.close(false);
  }

  /**
   * Frees this side's resources now. In the owner: closes the queue, drops what is
   * left and stops serving it. Elsewhere: disconnects this handle (waiting calls
   * reject); the queue stays open for the others.
   */
  dispose(): Promise<void> {
    return this.#release();
  }

  /** The plain data to send to another thread or process. */
  handle(): QueueHandle {
    return {
      kind: HANDLE_KIND,
      name: this.name,
      address: this.address,
      capacity: Number.isFinite(this.capacity) ? this.capacity : null,
    };
  }

  /** JSON.stringify (and process.send) write the handle. */
  toJSON(): QueueHandle {
    return this.handle();
  }

  /** Yields items until the queue is closed and drained. */
  [Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    return iterateEndpoint(this.#endpoint, (kind) => this.#takeFailure(kind));
  }

  #closedForPut(): QueueClosedError {
    return new QueueClosedError(`cannot put into queue "${this.name}": the queue is closed`);
  }

  #takeFailure(kind: Exclude<TakeOutcome<T>['kind'], 'items'>, timeout?: number): Error {
    switch (kind) {
      case 'end':
        return new QueueClosedError(`queue "${this.name}" is closed and empty: no more items will come`);
      case 'timeout':
        return new QueueTimeoutError(`get on queue "${this.name}" timed out after ${timeout} ms: the queue stayed empty`);
      case 'cancelled':
        return new QueueClosedError(`this handle of queue "${this.name}" was disposed while waiting`);
      case 'gone':
        return new QueueClosedError(
          `queue "${this.name}" cannot be reached any more: the thread or process that created it ended or disposed it`,
        );
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
