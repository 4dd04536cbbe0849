/**
 * Gets from a remote handle out of one mailbox. The first get subscribes; from
 * then on the owner pushes items ahead of the gets (prefetch), and each get takes
 * the next one from the local buffer.
 *
 * Exactly-once delivery (a Queue): a get acknowledges its item to the owner as it
 * takes it from the buffer, and returns it only once the acknowledgement has left
 * this process (mailbox.ts explains why that makes the delivery exactly once). The
 * window of items pushed ahead starts at one and doubles whenever a get finds the
 * buffer empty, and closes when no get comes for a while (the owner then asks
 * for what is here). A get that has to wait says so, so the owner can serve it
 * first and, if others hold what it could take, ask them to give it back (`recalled`).
 *
 * Stream delivery (a Pipe's reading end): items pushed here are this end's; gets
 * acknowledge them in batches, only to open the window again.
 */
import { Fifo } from './fifo.js';
import { PREFETCH, type ClientMessage, type Delivery, type NoItem, type TakeOutcome } from './protocol.js';
import type { Wire } from './wire.js';

interface Waiter<T> {
  settle(outcome: TakeOutcome<T> | Promise<TakeOutcome<T>>): void;
}

export class RemoteInbox<T> {
  readonly #c: number;
  readonly #delivery: Delivery;
  readonly #wire: Wire;
  readonly #buffer = new Fifo<T>();
  #waiters: Waiter<T>[] = [];
  /** Most items the owner may push ahead; 0 until the first get subscribes. */
  #window = 0;
  /** Stream delivery: items taken and not yet acknowledged. */
  #untold = 0;
  #ended = false;
  /** Exactly-once: fires when no get came for a while and items wait here. */
  #idle: NodeJS.Timeout | undefined;
  /** Set once this handle can hear nothing more from the owner: how gets on an empty buffer end. */
  #over: NoItem | undefined;

  constructor(c: number, delivery: Delivery, wire: Wire) {
    this.#c = c;
    this.#delivery = delivery;
    this.#wire = wire;
  }

  /** Whether a get waits for the owner. */
  get waiting(): boolean {
    return this.#waiters.length > 0;
  }

  take(timeout?: number): Promise<TakeOutcome<T>> {
    if (this.#buffer.length > 0 && this.#waiters.length === 0) return this.#takeNext();
    const over = this.#over ?? (this.#ended ? 'end' : undefined);
    if (over) return Promise.resolve({ kind: over });
    if (timeout === 0) return this.#waiters.length > 0 ? Promise.resolve({ kind: 'timeout' }) : this.#poll();
    return this.#wait(timeout);
  }

  /** Items the owner pushed ahead. */
  pushed(items: readonly T[]): void {
    for (const item of items) this.#buffer.push(item);
    while (this.#waiters.length > 0 && this.#buffer.length > 0) this.#waiters.shift()!.settle(this.#takeNext());
    this.#wire.refresh();
  }

  /** Another consumer waits: give back (at most) the newest `count` items, untaken. */
  recalled(count: number): void {
    const released = this.#buffer.popNewest(Math.min(count, this.#buffer.length)).length;
    this.#wire.outbox()?.send({ t: 'release', c: this.#c, n: released } satisfies ClientMessage);
  }

  /** The owner says no item will come any more. */
  ended(): void {
    this.#ended = true;
    if (this.#buffer.length === 0) this.#finish('end');
  }

  /** This handle can hear nothing more from the owner (`why`: how waiting gets end). What was pushed is still given out. */
  over(why: NoItem): void {
    this.#over ??= why;
    while (this.#waiters.length > 0 && this.#buffer.length > 0) this.#waiters.shift()!.settle(this.#takeNext());
    this.#finish(this.#over);
  }

  /** This handle leaves: waiting gets end as canceled, and the owner takes back what was pushed here. */
  leave(): void {
    this.#buffer.drain();
    this.#finish('canceled');
  }

  #finish(why: NoItem): void {
    for (const waiter of this.#waiters.splice(0)) waiter.settle({ kind: why });
    this.#wire.refresh();
  }

  #takeNext(): Promise<TakeOutcome<T>> {
    const outcome: TakeOutcome<T> = { kind: 'item', item: this.#buffer.shift()! };
    if (this.#buffer.length > 0 && this.#delivery === 'exactly-once') this.#watchIdle();
    const left = this.#acknowledge();
    return left === true ? Promise.resolve(outcome) : left.then(() => outcome);
  }

  /** Tells the owner an item was taken; true once that has left this process (or nobody is there to tell). */
  #acknowledge(): true | Promise<void> {
    const outbox = this.#wire.outbox();
    if (!outbox) return true;
    if (this.#delivery === 'exactly-once') {
      outbox.send({ t: 'took', c: this.#c, n: 1 } satisfies ClientMessage);
      return outbox.flush();
    }
    this.#untold += 1;
    if (this.#untold >= this.#window / 2) {
      outbox.send({ t: 'took', c: this.#c, n: this.#untold } satisfies ClientMessage);
      this.#untold = 0;
    }
    return true;
  }

  #wait(timeout: number | undefined): Promise<TakeOutcome<T>> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter: Waiter<T> = {
        settle: (outcome) => {
          clearTimeout(timer);
          resolve(outcome);
        },
      };
      this.#waiters.push(waiter);
      if (this.#delivery === 'exactly-once' && this.#window > 0) this.#window = Math.min(PREFETCH.most, this.#window * 2);
      this.#want();
      if (timeout !== undefined && Number.isFinite(timeout)) {
        timer = setTimeout(() => {
          this.#waiters = this.#waiters.filter((each) => each !== waiter);
          if (this.#delivery === 'exactly-once') this.#want();
          waiter.settle({ kind: 'timeout' });
          this.#wire.refresh();
        }, timeout);
      }
      this.#wire.refresh();
    });
  }

  /** A get that does not wait: the owner pushes one item now if it has one, then answers. */
  async #poll(): Promise<TakeOutcome<T>> {
    if (this.#window === 0) this.#want();
    const c = this.#c;
    const answer = await this.#wire.request((id) => ({ t: 'poll', c, id }));
    if (this.#buffer.length > 0 && this.#waiters.length === 0) return this.#takeNext();
    if (!answer) return { kind: this.#over ?? 'gone' };
    return { kind: this.#ended ? 'end' : 'timeout' };
  }

  /** After `PREFETCH.idleMs` without a get, items still here go back: others may be waiting for them. */
  #watchIdle(): void {
    if (this.#idle) return void this.#idle.refresh();
    this.#idle = setTimeout(() => {
      if (this.#buffer.length === 0 || this.#waiters.length > 0 || this.#window === 0) return;
      this.#window = 0; // the owner now asks for what is here (recalled); the next get starts over
      this.#wire.outbox()?.send({ t: 'want', c: this.#c, window: 0, waiting: 0 } satisfies ClientMessage);
    }, PREFETCH.idleMs);
    this.#idle.unref();
  }

  /** Subscribes (first time), and tells the owner the window and how many gets wait here. */
  #want(): void {
    const first = this.#window === 0;
    if (first) this.#window = this.#delivery === 'stream' ? PREFETCH.stream : PREFETCH.first;
    if (this.#delivery === 'stream' && !first) return;
    const waiting = this.#delivery === 'exactly-once' ? this.#waiters.length : 0;
    this.#wire.outbox()?.send({ t: 'want', c: this.#c, window: this.#window, waiting } satisfies ClientMessage);
  }
}
