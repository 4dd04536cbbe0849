/**
 * The state of one mailbox, kept in exactly one place: the thread or process that
 * created the Queue or Pipe. The owner's own calls and every remote handle (through
 * host.ts) act on this one object, and JavaScript runs one callback at a
 * time, so every item is handed out exactly once. No locks needed: this is the
 * "share memory by communicating" answer to a shared queue.
 *
 * It holds the items (first in, first out), the callers waiting to put (the
 * mailbox is full: back-pressure) or to take (it is empty), and a count of
 * *reserved* slots: credit granted to remote producers (see protocol.ts).
 * A reserved slot counts against the capacity, and the mailbox is finished (end
 * of stream) only once it is closed, empty and every reservation is settled.
 */
import type { PutOutcome, TakeOutcome } from './protocol.js';

/** How long a put or take may wait, and how it may be withdrawn. */
export interface MailboxWait {
  /** Milliseconds; undefined waits without limit, 0 does not wait at all. */
  timeout?: number;
  /** Whether the timeout timer keeps the process alive (true for the owner's own calls). */
  keepAlive: boolean;
  /** Withdraws a waiting call: it then ends as `cancelled`. */
  signal?: AbortSignal;
}

/** What the host is told about, to pass on to remote handles. */
export interface MailboxWatcher {
  /** A put has to wait while credit is reserved elsewhere: ask for it back. */
  creditNeeded(): void;
  /** The mailbox was closed. */
  closed(): void;
  /** Closed, drained and no reservations left: nothing more can happen. */
  finished(): void;
}

/** A first-in first-out list with O(1) removal from the front. */
class Fifo<T> {
  #items: T[] = [];
  #head = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }

  push(item: T): void {
    this.#items.push(item);
  }

  /** Removes and returns up to `max` items from the front. */
  shift(max: number): T[] {
    const end = Math.min(this.#head + max, this.#items.length);
    const taken = this.#items.slice(this.#head, end);
    this.#head = end;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return taken;
  }

  /** Puts items back at the front, keeping their order. */
  unshift(items: readonly T[]): void {
    this.#items = [...items, ...this.#items.slice(this.#head)];
    this.#head = 0;
  }

  clear(): void {
    this.#items = [];
    this.#head = 0;
  }
}

interface Waiting<Outcome> {
  settle(outcome: Outcome): void;
}

interface WaitingPut<T> extends Waiting<PutOutcome> {
  item: T;
}

interface WaitingTake<T> extends Waiting<TakeOutcome<T>> {
  max: number;
}

export class Mailbox<T> {
  /** Most items held at once (reserved slots included); Infinity when unbounded. */
  readonly capacity: number;
  #items = new Fifo<T>();
  #reserved = 0;
  #closed = false;
  #finishedReported = false;
  #putters: WaitingPut<T>[] = [];
  #takers: WaitingTake<T>[] = [];
  #watcher: MailboxWatcher | undefined;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  /** Sets the one watcher (the host) told about credit, close and finish. */
  watch(watcher: MailboxWatcher): void {
    this.#watcher = watcher;
  }

  /** Items held now (not counting reserved slots). */
  get size(): number {
    return this.#items.length;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Closed, empty, and no credit outstanding: every take now ends. */
  get finished(): boolean {
    return this.#closed && this.#items.length === 0 && this.#reserved === 0;
  }

  /** Adds `item`, waiting for room while the mailbox is full. */
  put(item: T, options: MailboxWait): Promise<PutOutcome> {
    if (this.#closed) return Promise.resolve('closed');
    if (this.#putters.length === 0 && this.#free() > 0) {
      this.#items.push(item);
      this.#pump();
      return Promise.resolve('accepted');
    }
    if (options.timeout === 0) return Promise.resolve('timeout');
    const outcome = this.#wait<PutOutcome, WaitingPut<T>>(this.#putters, options, 'timeout', (settle) => ({ item, settle }));
    if (this.#reserved > 0) this.#watcher?.creditNeeded();
    return outcome;
  }

  /** Takes 1 to `max` items, waiting while the mailbox is empty and still open. */
  take(max: number, options: MailboxWait): Promise<TakeOutcome<T>> {
    if (this.#items.length > 0) {
      const items = this.#items.shift(max);
      this.#pump();
      return Promise.resolve({ kind: 'items', items });
    }
    if (this.finished) return Promise.resolve({ kind: 'end' });
    if (options.timeout === 0) return Promise.resolve({ kind: 'timeout' });
    return this.#wait(this.#takers, options, { kind: 'timeout' }, (settle) => ({ max, settle }));
  }

  /** Reserves up to `wanted` slots for a remote producer; returns how many. */
  reserve(wanted: number): number {
    if (this.#closed || this.#putters.length > 0) return 0;
    const granted = Math.max(0, Math.min(wanted, this.#free()));
    this.#reserved += granted;
    return granted;
  }

  /** Items that arrive on reserved slots: accepted even if the mailbox closed meanwhile. */
  putReserved(items: readonly T[]): void {
    this.#reserved -= items.length;
    for (const item of items) this.#items.push(item);
    this.#pump();
  }

  /** Reserved slots handed back unused. */
  unreserve(count: number): void {
    this.#reserved -= count;
    this.#pump();
  }

  /** Items taken but not used go back to the front, in order. */
  giveBack(items: readonly T[]): void {
    if (items.length === 0) return;
    this.#items.unshift(items);
    this.#pump();
  }

  /**
   * No more puts (waiting puts end as `closed`); takers drain what is left, then
   * get `end`. With `discard`, what is left is dropped (nobody will read it).
   */
  close(discard = false): void {
    const firstTime = !this.#closed;
    this.#closed = true;
    if (discard) this.#items.clear();
    for (const putter of this.#putters.splice(0)) putter.settle('closed');
    if (firstTime) this.#watcher?.closed();
    this.#pump();
  }

  #free(): number {
    return this.capacity - this.#items.length - this.#reserved;
  }

  /** Matches waiting takers with items and waiting putters with room, until neither can move. */
  #pump(): void {
    let moved = true;
    while (moved) {
      moved = false;
      while (this.#takers.length > 0 && this.#items.length > 0) {
        const taker = this.#takers.shift()!;
        taker.settle({ kind: 'items', items: this.#items.shift(taker.max) });
        moved = true;
      }
      while (this.#putters.length > 0 && this.#free() > 0) {
        const putter = this.#putters.shift()!;
        this.#items.push(putter.item);
        putter.settle('accepted');
        moved = true;
      }
    }
    if (this.finished) {
      for (const taker of this.#takers.splice(0)) taker.settle({ kind: 'end' });
      if (!this.#finishedReported) {
        this.#finishedReported = true;
        this.#watcher?.finished();
      }
    }
  }

  /** Parks a caller in `queue` until it is settled, times out or is withdrawn. */
  #wait<Outcome, Entry extends Waiting<Outcome>>(
    queue: Entry[],
    options: MailboxWait,
    timedOut: Outcome,
    makeEntry: (settle: (outcome: Outcome) => void) => Entry,
  ): Promise<Outcome> {
    return new Promise<Outcome>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const withdraw = (outcome: Outcome) => {
        const index = queue.indexOf(entry);
        if (index >= 0) queue.splice(index, 1);
        entry.settle(outcome);
      };
      const onAbort = () => withdraw(cancelledOutcome(timedOut));
      const entry = makeEntry((outcome) => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        resolve(outcome);
      });
      if (options.signal?.aborted) return entry.settle(cancelledOutcome(timedOut));
      queue.push(entry);
      if (options.timeout !== undefined && Number.isFinite(options.timeout)) {
        timer = setTimeout(() => withdraw(timedOut), options.timeout);
        if (!options.keepAlive) timer.unref();
      }
      options.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/** The `cancelled` outcome of the same shape as `timedOut` (a put's string or a take's object). */
function cancelledOutcome<Outcome>(timedOut: Outcome): Outcome {
  return (typeof timedOut === 'string' ? 'cancelled' : { kind: 'cancelled' }) as Outcome;
}
