/**
 * One side's access to one mailbox. Queue and Pipe are written against this
 * interface only, so the same code works in the owner (a `LocalEndpoint`, which
 * calls the Mailbox directly) and anywhere else (a remote endpoint from
 * client.ts, which talks to the owner).
 *
 * Endpoints assume the caller already checked each item with assertCloneable.
 * Both kinds store a copy: items are copied, never shared, wherever they go.
 */
import type { Mailbox } from './mailbox.js';
import type { NoItem, PutOutcome, TakeOutcome } from './protocol.js';

export interface Endpoint<T> {
  /** Adds a copy of `item`, waiting for room up to `timeout` ms. */
  put(item: T, timeout?: number): Promise<PutOutcome>;
  /** Takes the next item, waiting up to `timeout` ms while the mailbox is empty. */
  take(timeout?: number): Promise<TakeOutcome<T>>;
  /** Closes the mailbox for everyone; `discard` drops what is left. */
  close(discard: boolean): void;
  /** Whether this side knows the mailbox is closed. */
  readonly closed: boolean;
  /** Items put and not yet taken: exact in the owner, the owner's last figure elsewhere. */
  readonly size: number;
}

/** The owner's endpoint: calls the state directly. */
export class LocalEndpoint<T> implements Endpoint<T> {
  readonly #mailbox: Mailbox<T>;

  constructor(mailbox: Mailbox<T>) {
    this.#mailbox = mailbox;
  }

  put(item: T, timeout?: number): Promise<PutOutcome> {
    return this.#mailbox.put(structuredClone(item), { timeout, keepAlive: true });
  }

  take(timeout?: number): Promise<TakeOutcome<T>> {
    return this.#mailbox.take({ timeout, keepAlive: true });
  }

  close(discard: boolean): void {
    this.#mailbox.close(discard);
  }

  get closed(): boolean {
    return this.#mailbox.closed;
  }

  get size(): number {
    return this.#mailbox.size;
  }
}

/**
 * Yields the mailbox's items until it is closed and drained (`end`). Any other
 * way of ending becomes the error `failure(outcome)` makes.
 */
export async function* iterateEndpoint<T>(endpoint: Endpoint<T>, failure: (outcome: NoItem) => Error): AsyncGenerator<T, void, undefined> {
  for (;;) {
    const outcome = await endpoint.take();
    if (outcome.kind === 'end') return;
    if (outcome.kind !== 'item') throw failure(outcome.kind);
    yield outcome.item;
  }
}
