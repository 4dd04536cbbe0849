/**
 * One side's access to one mailbox. Queue and Pipe are written against this
 * interface only, so the same code works in the owner (a `LocalEndpoint`, which
 * calls the Mailbox directly) and anywhere else (a remote endpoint from
 * client.ts, which sends messages to the owner).
 *
 * Endpoints assume the caller already checked each item with assertCloneable.
 * Both kinds store a copy: items are copied, never shared, wherever they go.
 */
import type { PutOutcome, TakeOutcome } from './protocol.js';
import type { Mailbox } from './mailbox.js';

export interface Endpoint<T> {
  /** Adds a copy of `item`, waiting for room up to `timeout` ms. */
  put(item: T, timeout?: number): Promise<PutOutcome>;
  /** Takes 1 to `max` items, waiting up to `timeout` ms while the mailbox is empty. */
  take(max: number, timeout?: number): Promise<TakeOutcome<T>>;
  /** Returns items taken but not used to the front of the mailbox. */
  giveBack(items: T[]): void;
  /** Closes the mailbox for everyone; `discard` drops what is left. */
  close(discard: boolean): void;
  /** Whether this side knows the mailbox is closed. */
  readonly closed: boolean;
  /** Items in the mailbox: exact in the owner, the last figure the owner reported elsewhere. */
  readonly size: number;
  /** How many items an iteration takes at once (1 in the owner: nothing to save there). */
  readonly batchSize: number;
}

/** The owner's endpoint: calls the state directly. */
export class LocalEndpoint<T> implements Endpoint<T> {
  readonly batchSize = 1;
  #state: Mailbox<T>;

  constructor(state: Mailbox<T>) {
    this.#state = state;
  }

  put(item: T, timeout?: number): Promise<PutOutcome> {
    return this.#state.put(structuredClone(item), { timeout, keepAlive: true });
  }

  take(max: number, timeout?: number): Promise<TakeOutcome<T>> {
    return this.#state.take(max, { timeout, keepAlive: true });
  }

  giveBack(items: T[]): void {
    this.#state.giveBack(items);
  }

  close(discard: boolean): void {
    this.#state.close(discard);
  }

  get closed(): boolean {
    return this.#state.closed;
  }

  get size(): number {
    return this.#state.size;
  }
}

/**
 * Yields the mailbox's items until it is closed and drained (`end`), taking
 * `endpoint.batchSize` at a time. Any other way of ending becomes the error
 * `failure(outcome)` makes. Items taken but not yielded (the loop broke early)
 * go back to the mailbox.
 */
export async function* iterateEndpoint<T>(
  endpoint: Endpoint<T>,
  failure: (outcome: Exclude<TakeOutcome<T>['kind'], 'items'>) => Error,
): AsyncGenerator<T, void, undefined> {
  let batch: T[] = [];
  let next = 0;
  try {
    for (;;) {
      if (next === batch.length) {
        const outcome = await endpoint.take(endpoint.batchSize);
        if (outcome.kind === 'end') return;
        if (outcome.kind !== 'items') throw failure(outcome.kind);
        batch = outcome.items;
        next = 0;
      }
      const item = batch[next];
      next += 1;
      yield item;
    }
  } finally {
    if (next < batch.length) endpoint.giveBack(batch.slice(next));
  }
}
