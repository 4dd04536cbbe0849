/**
 * Puts from a remote handle into one mailbox, with credit (protocol.ts).
 *
 * With credit, a put returns at once: the item is written into the open batch
 * (a snapshot) and the batch leaves with the others of this event-loop turn.
 * Without credit, the put is a request that waits at the owner (back-pressure);
 * its answer brings new credit. Puts keep their call order: while a request is
 * out, later puts go as requests too, and queue behind it at the owner.
 */
import { EARLY_FLUSH_ITEMS, type ClientMessage, type PutOutcome } from './protocol.js';
import type { Wire } from './wire.js';

const ACCEPTED: Promise<PutOutcome> = Promise.resolve('accepted');

export class RemoteProducer {
  readonly #c: number;
  readonly #wire: Wire;
  /** Constant: it also marks which open batch an item may join. */
  readonly #batchHeader: ClientMessage;
  #credit = 0;
  #requestsOut = 0;

  constructor(c: number, wire: Wire) {
    this.#c = c;
    this.#wire = wire;
    this.#batchHeader = { t: 'items', c };
  }

  put(item: unknown, timeout?: number): Promise<PutOutcome> {
    if (this.#wire.isClosed(this.#c)) return Promise.resolve('closed');
    const outbox = this.#wire.outbox();
    if (!outbox) return Promise.resolve('gone');
    if (this.#credit > 0 && this.#requestsOut === 0) {
      this.#credit -= 1;
      if (outbox.appendItem(this.#batchHeader, item) >= EARLY_FLUSH_ITEMS) outbox.flush();
      return ACCEPTED;
    }
    this.#requestsOut += 1;
    const c = this.#c;
    return this.#wire
      .request((id) => ({ t: 'put', c, id, timeout }), [item])
      .then((answer) => {
        this.#requestsOut -= 1;
        if (answer?.t !== 'put-done') return this.#wire.isClosed(c) ? 'closed' : 'gone';
        this.#credit += answer.credit;
        return answer.outcome;
      });
  }

  /** The owner granted more credit. */
  granted(count: number): void {
    this.#credit += count;
  }

  /** Hands unused credit back (the owner asked, or the mailbox closed, or this handle leaves). */
  returnCredit(): void {
    if (this.#credit === 0) return;
    this.#wire.outbox()?.send({ t: 'return-credit', c: this.#c, n: this.#credit } satisfies ClientMessage);
    this.#credit = 0;
  }

  /** The owner is gone: the credit means nothing any more. */
  lost(): void {
    this.#credit = 0;
  }
}
