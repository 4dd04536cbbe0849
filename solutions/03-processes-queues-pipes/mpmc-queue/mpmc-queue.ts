/**
 * A bounded multi-producer multi-consumer queue for async tasks.
 *
 * Many producers `put`, many consumers `take`, and every item is delivered to
 * exactly one consumer, in FIFO order. The queue holds at most `capacity` items:
 * a `put` on a full queue waits (backpressure) until a consumer makes room.
 * `close()` is the end of the stream: nothing more may be put, consumers still
 * get every item already in the queue, and then `{ done: true }`, so a
 * `for await` loop over the queue ends by itself.
 *
 * Like Python's `multiprocessing.Queue` (unit 03), but for async tasks on one
 * thread: the waiting is done by parked promises, never by blocking.
 */

/** What put rejects with once the queue is closed. */
export class QueueClosedError extends Error {
  constructor(message = 'the queue is closed') {
    super(message);
    this.name = 'QueueClosedError';
  }
}

/** What take resolves to: an item, or `done` once the queue is closed and empty. */
export type Taken<T> = { done: false; value: T } | { done: true; value: undefined };

export interface WaitOptions {
  /** Withdraws a waiting put or take: it rejects with `signal.reason` and puts or takes nothing. */
  signal?: AbortSignal;
}

/** A producer parked in put() until there is room. */
interface WaitingPutter<T> {
  item: T;
  resolve(): void;
  reject(error: unknown): void;
}

/** A consumer parked in take() until there is an item (or the end). */
interface WaitingTaker<T> {
  resolve(taken: Taken<T>): void;
  reject(error: unknown): void;
}

export class AsyncQueue<T> implements AsyncIterable<T> {
  readonly capacity: number;
  readonly #items: T[] = [];
  readonly #putters: WaitingPutter<T>[] = [];
  readonly #takers: WaitingTaker<T>[] = [];
  #closed = false;

  /** A queue holding at most `capacity` items (an integer >= 1). */
  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be an integer >= 1, got ${String(capacity)}`);
    }
    this.capacity = capacity;
  }

  /** Items in the queue now (never more than capacity). */
  get size(): number {
    return this.#items.length;
  }

  /** Whether close() was called (items may still be waiting to be taken). */
  get closed(): boolean {
    return this.#closed;
  }

  /** Producers waiting for room now. */
  get waitingPutters(): number {
    return this.#putters.length;
  }

  /** Consumers waiting for an item now. */
  get waitingTakers(): number {
    return this.#takers.length;
  }

  /**
   * Adds `item`: resolves once it is in the queue (or handed to a waiting consumer).
   * Waits while the queue is full. Rejects with QueueClosedError if the queue is
   * closed, before or while waiting.
   */
  put(item: T, options: WaitOptions = {}): Promise<void> {
    // BEGIN SOLUTION
    const { signal } = options;
    if (this.#closed) return Promise.reject(new QueueClosedError('put on a closed queue'));
    if (signal?.aborted) return Promise.reject(signal.reason);
    const taker = this.#takers.shift();
    if (taker) {
      taker.resolve({ done: false, value: item }); // a consumer waits: the buffer is empty, hand it over
      return Promise.resolve();
    }
    if (this.#items.length < this.capacity) {
      this.#items.push(item);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const putter: WaitingPutter<T> = {
        item,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      const onAbort = (): void => {
        const index = this.#putters.indexOf(putter);
        if (index >= 0) this.#putters.splice(index, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#putters.push(putter);
    });
    // END SOLUTION
  }

  /**
   * Takes the oldest item: `{ done: false, value }`. Waits while the queue is
   * empty; once it is closed and empty, resolves to `{ done: true, value: undefined }`.
   */
  take(options: WaitOptions = {}): Promise<Taken<T>> {
    // BEGIN SOLUTION
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#items.length > 0) {
      const value = this.#items.shift() as T;
      const putter = this.#putters.shift(); // room was made: the first waiting producer gets it
      if (putter) {
        this.#items.push(putter.item);
        putter.resolve();
      }
      return Promise.resolve({ done: false, value });
    }
    if (this.#closed) return Promise.resolve({ done: true, value: undefined });
    return new Promise<Taken<T>>((resolve, reject) => {
      const taker: WaitingTaker<T> = {
        resolve: (taken) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(taken);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      const onAbort = (): void => {
        const index = this.#takers.indexOf(taker);
        if (index >= 0) this.#takers.splice(index, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#takers.push(taker);
    });
    // END SOLUTION
  }

  /**
   * Ends the stream: later puts reject, waiting puts reject (their items never
   * enter), waiting takes get `done`. Items already in the queue can still be
   * taken. Calling it again does nothing.
   */
  close(): void {
    // BEGIN SOLUTION
    if (this.#closed) return;
    this.#closed = true;
    for (const taker of this.#takers.splice(0)) taker.resolve({ done: true, value: undefined });
    for (const putter of this.#putters.splice(0)) putter.reject(new QueueClosedError('the queue was closed while put waited'));
    // END SOLUTION
  }

  /** `for await (const item of queue)`: takes items until the queue is closed and empty. */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    // BEGIN SOLUTION
    for (;;) {
      const taken = await this.take();
      if (taken.done) return;
      yield taken.value;
    }
    // END SOLUTION
  }
}
