/**
 * The state of one mailbox, kept in exactly one place: the thread or process that
 * created the Queue or Pipe (the owner). The owner's own calls and every remote
 * handle (through served-connection.ts) act on this one object, and JavaScript
 * runs one callback at a time, so no locks are needed: this is the "share memory
 * by communicating" answer to a shared queue.
 *
 * It holds the items (first in, first out, numbered in the order they were put),
 * the callers waiting to put (the mailbox is full: back-pressure) or to take (it
 * is empty), the slots *reserved* for remote producers (credit, see protocol.ts),
 * and one account per remote consumer: the items pushed to it ahead of its gets.
 *
 * Who gets the next item. Consumers that wait come first, in the order they began
 * to wait; then the item is pushed ahead to a remote consumer with room in its
 * window. Every consumer receives items in the order they were put (so items of
 * one producer keep their order), with one exception: when items came back from a
 * consumer that left, a waiting consumer already past them takes them rather than
 * wait forever. A consumer that holds items another consumer waits for is asked
 * to give back those the waiting one can take in order (`recall`).
 *
 * Exactly once (delivery 'exactly-once', a Queue). An item pushed to a remote
 * consumer stays on this mailbox's books, *held* by that consumer, until the
 * consumer says a get took it (`took`). The consumer says so as its get returns
 * the item, not before, and the acknowledgement has left its process (it is in the
 * kernel's socket buffer, or in the port's queue) before the get returns. The
 * owner reads a departed consumer's link to its end before it acts (socket-link.ts
 * says why no byte is lost), and only then puts every item still held by it back
 * at the head, in order. So an item a get returned was acknowledged and is never
 * delivered again; an item no get returned was not acknowledged and comes back.
 * The one gap is a consumer killed between its acknowledgement and the moment its
 * code receives the item: a few instructions with no I/O in between, in which
 * that one item is lost (Python's multiprocessing has the same gap, and a worse
 * one: a consumer killed in get() can leave its queue's lock held).
 * Held items count as items in the queue: in its size, against its capacity, and
 * the queue ends (closed and drained) only when none is held.
 */
import { Fifo } from './fifo.js';
import type { Delivery, PutOutcome, TakeOutcome } from './protocol.js';

/** How long a put or take may wait, and how it may be withdrawn. */
export interface MailboxWait {
  /** Milliseconds; undefined waits without limit, 0 does not wait at all. */
  timeout?: number;
  /** Whether the timeout timer keeps the process alive (true for the owner's own calls). */
  keepAlive: boolean;
  /** Withdraws a waiting call: it then ends as `canceled`. */
  signal?: AbortSignal;
}

/** What the host is told about, to pass on to remote handles. */
export interface MailboxWatcher {
  /** A put has to wait while credit is reserved elsewhere: ask for it back. */
  creditNeeded(): void;
  /** The mailbox was closed. */
  closed(): void;
  /** Closed, drained and nothing reserved or held: nothing more can happen. */
  finished(): void;
}

/** What the mailbox asks of a remote consumer (the host's side of its connection). */
export interface RemoteConsumer<T> {
  /** Hands `item` over ahead of the consumer's gets. */
  deliver(item: T): void;
  /** Another consumer waits: give back (at most) the newest `count` items you hold. */
  recall(count: number): void;
  /** No item will come any more. */
  ended(): void;
}

/** A remote consumer's part in the mailbox, driven by its connection. */
export interface Subscription {
  /** Hold at most `window` items ahead. */
  setWindow(window: number): void;
  /** Gets took the `count` oldest items held. */
  took(count: number): void;
  /** `count` gets wait with nothing held (0: none). */
  waiting(count: number): void;
  /** Answer to a recall: the newest `count` held items come back. */
  release(count: number): void;
  /** Delivers one item now if there is one; returns whether it did. */
  poll(): boolean;
  /** The consumer is gone: what it held comes back (exactly-once) or is dropped (stream). */
  leave(): void;
}

/** An item and its place in the order of puts. */
interface Entry<T> {
  seq: number;
  item: T;
}

interface WaitingPut<T> {
  item: T;
  settle(outcome: PutOutcome): void;
}

interface LocalTake<T> {
  settle(outcome: TakeOutcome<T>): void;
}

/** A remote consumer, as the mailbox keeps its books. */
interface Account<T> {
  consumer: RemoteConsumer<T>;
  window: number;
  /** Gets waiting there with nothing held. */
  waiting: number;
  /** Pushed, not yet taken: oldest first. */
  held: Fifo<Entry<T>>;
  /** The newest item pushed to it that it still holds or took: what it receives next must come after. */
  lastSeq: number;
  /** The newest item it took. */
  lastTakenSeq: number;
  recalling: boolean;
  endSent: boolean;
}

/** Who waits: the owner's own takes (each one), or a remote consumer (once, however many gets wait there). */
type Waiter<T> = LocalTake<T> | Account<T>;

/** The owner's own gets, as one consumer. */
const LOCAL = 'local';

/** A consumer whose gets see items in order: the owner, or a remote consumer. */
type Consumer<T> = typeof LOCAL | Account<T>;

export class Mailbox<T> {
  /** Most items held at once (reserved slots and items held by consumers included); Infinity when unbounded. */
  readonly capacity: number;
  readonly delivery: Delivery;
  #items = new Fifo<Entry<T>>();
  #nextSeq = 1;
  #reserved = 0;
  /** Items remote consumers hold (counted only for exactly-once delivery). */
  #held = 0;
  #closed = false;
  /** Closed with `discard`: what is left, or comes back, is dropped. */
  #discarded = false;
  #finishedReported = false;
  #putters: WaitingPut<T>[] = [];
  #localTakes = new Set<LocalTake<T>>();
  #localLastSeq = 0;
  #accounts = new Set<Account<T>>();
  #waiting: Waiter<T>[] = [];
  #recallPending = false;
  #watcher: MailboxWatcher | undefined;

  constructor(capacity: number, delivery: Delivery) {
    this.capacity = capacity;
    this.delivery = delivery;
  }

  /** Sets the one watcher (the host) told about credit, close and finish. */
  watch(watcher: MailboxWatcher): void {
    this.#watcher = watcher;
  }

  /** Items put and not yet taken: in the mailbox, or (exactly-once) held by a consumer. */
  get size(): number {
    return this.#items.length + this.#countedHeld();
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Closed, empty, no credit outstanding and nothing held: every take now ends. */
  get finished(): boolean {
    return this.#closed && this.#items.length === 0 && this.#reserved === 0 && this.#countedHeld() === 0;
  }

  /** Adds `item`, waiting for room while the mailbox is full. */
  put(item: T, options: MailboxWait): Promise<PutOutcome> {
    if (this.#closed) return Promise.resolve('closed');
    if (this.#putters.length === 0 && this.#free() > 0) {
      this.#append(item);
      this.#pump();
      return Promise.resolve('accepted');
    }
    if (options.timeout === 0) return Promise.resolve('timeout');
    const outcome = waitFor<PutOutcome>(options, 'timeout', (settle) => {
      const putter = { item, settle };
      this.#putters.push(putter);
      return () => (this.#putters = this.#putters.filter((each) => each !== putter));
    });
    if (this.#reserved > 0) this.#watcher?.creditNeeded();
    return outcome;
  }

  /** The owner's own get: one item, waiting while there is none and the mailbox is open. */
  take(options: MailboxWait): Promise<TakeOutcome<T>> {
    const index = this.#localTakes.size === 0 ? this.#pick(LOCAL, true) : -1;
    if (index >= 0) {
      const { seq, item } = this.#items.removeAt(index);
      this.#localLastSeq = Math.max(this.#localLastSeq, seq);
      this.#pump();
      return Promise.resolve({ kind: 'item', item });
    }
    if (this.finished) return Promise.resolve({ kind: 'end' });
    if (options.timeout === 0) return Promise.resolve({ kind: 'timeout' });
    const outcome = waitFor<TakeOutcome<T>>(options, { kind: 'timeout' }, (settle) => {
      const take: LocalTake<T> = { settle };
      this.#localTakes.add(take);
      this.#waiting.push(take);
      return () => this.#forget(take);
    });
    this.#pump();
    return outcome;
  }

  /** Registers a remote consumer; items are pushed to it from now on. */
  subscribe(consumer: RemoteConsumer<T>, window: number): Subscription {
    const account: Account<T> = {
      consumer,
      window,
      waiting: 0,
      held: new Fifo(),
      lastSeq: 0,
      lastTakenSeq: 0,
      recalling: false,
      endSent: false,
    };
    this.#accounts.add(account);
    this.#pump();
    return {
      setWindow: (size) => {
        account.window = size;
        this.#pump();
      },
      took: (count) => this.#took(account, count),
      waiting: (count) => {
        account.waiting = count;
        this.#waiting = this.#waiting.filter((waiter) => waiter !== account);
        if (count > 0) this.#waiting.push(account);
        this.#pump();
      },
      release: (count) => this.#release(account, count),
      poll: () => {
        const index = this.#pick(account, true);
        if (index >= 0) this.#deliver(account, this.#items.removeAt(index));
        return index >= 0;
      },
      leave: () => this.#leave(account),
    };
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
    for (const item of items) this.#append(item);
    this.#pump();
  }

  /** Reserved slots handed back unused. */
  unreserve(count: number): void {
    this.#reserved -= count;
    this.#pump();
  }

  /**
   * No more puts (waiting puts end as `closed`); takers drain what is left, then
   * get `end`. With `discard`, what is left is dropped (nobody will read it).
   */
  close(discard = false): void {
    const firstTime = !this.#closed;
    this.#closed = true;
    this.#discarded ||= discard;
    if (discard) this.#items.drain();
    for (const putter of this.#putters.splice(0)) putter.settle('closed');
    if (firstTime) this.#watcher?.closed();
    this.#pump();
  }

  #countedHeld(): number {
    return this.delivery === 'exactly-once' ? this.#held : 0;
  }

  #free(): number {
    return this.capacity - this.#items.length - this.#reserved - this.#countedHeld();
  }

  #append(item: T): void {
    this.#items.push({ seq: this.#nextSeq++, item });
  }

  /**
   * Where the next item for consumer `who` is: the first one put after the last it
   * received. One that waits with none after it takes the oldest item anyway, if
   * no other consumer may still take that one in order and nobody holds items it
   * could take in order (a recall brings those). -1: none.
   */
  #pick(who: Consumer<T>, waits: boolean): number {
    const lastSeq = this.#lastSeq(who);
    for (let index = 0; index < this.#items.length; index += 1) if (this.#items.at(index)!.seq > lastSeq) return index;
    if (!waits || this.#items.length === 0 || this.#recallCandidate(who)) return -1;
    const oldest = this.#items.at(0)!.seq;
    const behind = (other: Consumer<T>) => other !== who && this.#lastSeq(other) < oldest;
    const localMayTake = this.#localTakes.size > 0 && behind(LOCAL);
    const accountMayTake = [...this.#accounts].some((account) => (account.window > 0 || account.waiting > 0) && behind(account));
    return localMayTake || accountMayTake ? -1 : 0;
  }

  #lastSeq(who: Consumer<T>): number {
    return who === LOCAL ? this.#localLastSeq : who.lastSeq;
  }

  #deliver(account: Account<T>, entry: Entry<T>): void {
    account.held.push(entry);
    account.lastSeq = Math.max(account.lastSeq, entry.seq);
    this.#held += 1;
    account.consumer.deliver(entry.item);
  }

  /** Matches waiting consumers and remote windows with items, and waiting puts with room, until nothing moves. */
  #pump(): void {
    for (let moved = true; moved;) {
      moved = false;
      for (const waiter of [...this.#waiting]) moved = this.#serve(waiter) || moved;
      while (this.#putters.length > 0 && this.#free() > 0) {
        const putter = this.#putters.shift()!;
        this.#append(putter.item);
        putter.settle('accepted');
        moved = true;
      }
      for (const account of this.#accounts) moved = this.#pushAhead(account) || moved;
    }
    this.#recall();
    if (this.finished) this.#end();
  }

  /** Gives one item to a waiting consumer, if there is one it may take. */
  #serve(waiter: Waiter<T>): boolean {
    if ('consumer' in waiter) {
      if (waiter.recalling) return false;
      const index = this.#pick(waiter, true);
      if (index < 0) return false;
      this.#deliver(waiter, this.#items.removeAt(index));
      waiter.waiting -= 1;
      this.#waiting = this.#waiting.filter((each) => each !== waiter);
      if (waiter.waiting > 0) this.#waiting.push(waiter); // one item per turn each: the next waiter goes first
      return true;
    }
    const index = this.#pick(LOCAL, true);
    if (index < 0) return false;
    const { seq, item } = this.#items.removeAt(index);
    this.#localLastSeq = Math.max(this.#localLastSeq, seq);
    this.#forget(waiter);
    waiter.settle({ kind: 'item', item });
    return true;
  }

  /**
   * Tops up a remote consumer's window once it holds half of it or less: items go
   * ahead in batches (one frame, one write for many gets), not one per `took`.
   */
  #pushAhead(account: Account<T>): boolean {
    if (account.recalling || account.held.length > account.window >> 1) return false;
    let moved = false;
    while (account.held.length < account.window) {
      const index = this.#pick(account, false);
      if (index < 0) break;
      this.#deliver(account, this.#items.removeAt(index));
      moved = true;
    }
    return moved;
  }

  /** The consumer holding the most items that `who` could take in order, and how many. */
  #recallCandidate(who: Consumer<T>): { account: Account<T>; count: number } | undefined {
    if (this.delivery !== 'exactly-once') return undefined;
    const lastSeq = this.#lastSeq(who);
    let best: { account: Account<T>; count: number } | undefined;
    for (const account of this.#accounts) {
      if (account === who || account.recalling || account.waiting > 0) continue;
      let count = 0;
      for (const entry of account.held) if (entry.seq > lastSeq) count += 1;
      if (count > (best?.count ?? 0)) best = { account, count };
    }
    return best;
  }

  /**
   * Asks items back, one recall at a time: all that a consumer holds after it
   * stopped taking (its window went to 0), or what a waiting consumer could take
   * in order from the one that holds most of them.
   */
  #recall(): void {
    if (this.#recallPending || this.delivery !== 'exactly-once') return;
    for (const account of this.#accounts) {
      if (account.window === 0 && account.waiting === 0 && account.held.length > 0 && !account.recalling) {
        return this.#askBack(account, account.held.length);
      }
    }
    for (const waiter of this.#waiting) {
      const who = 'consumer' in waiter ? waiter : LOCAL;
      const candidate = this.#recallCandidate(who);
      const wanted = who === LOCAL ? this.#localTakes.size : who.waiting;
      if (candidate) return this.#askBack(candidate.account, Math.min(candidate.count, wanted));
    }
  }

  #askBack(account: Account<T>, count: number): void {
    account.recalling = true;
    this.#recallPending = true;
    account.consumer.recall(count);
  }

  #took(account: Account<T>, count: number): void {
    for (let taken = 0; taken < count && account.held.length > 0; taken += 1) {
      account.lastTakenSeq = account.held.shift()!.seq;
      this.#held -= 1;
    }
    this.#pump();
  }

  #release(account: Account<T>, count: number): void {
    const released = account.held.popNewest(count);
    this.#held -= released.length;
    account.recalling = false;
    this.#recallPending = false;
    account.lastSeq = Math.max(account.lastTakenSeq, ...[...account.held].map((entry) => entry.seq));
    this.#putBack(released);
    this.#pump();
  }

  #leave(account: Account<T>): void {
    this.#accounts.delete(account);
    this.#waiting = this.#waiting.filter((waiter) => waiter !== account);
    if (account.recalling) this.#recallPending = false;
    const held = account.held.drain();
    this.#held -= held.length;
    if (this.delivery === 'exactly-once') this.#putBack(held);
    this.#pump();
  }

  /** Items that come back from a consumer go back among the others, in the order they were put. */
  #putBack(entries: Entry<T>[]): void {
    if (!this.#discarded) this.#items.insertSorted(entries, (entry) => entry.seq);
  }

  #forget(take: LocalTake<T>): void {
    this.#localTakes.delete(take);
    this.#waiting = this.#waiting.filter((waiter) => waiter !== take);
  }

  /** Finished: every waiting take ends, every consumer hears it, and the watcher once. */
  #end(): void {
    for (const take of [...this.#localTakes]) {
      this.#forget(take);
      take.settle({ kind: 'end' });
    }
    for (const account of this.#accounts) {
      if (account.endSent) continue;
      account.endSent = true;
      account.consumer.ended();
    }
    if (!this.#finishedReported) {
      this.#finishedReported = true;
      this.#watcher?.finished();
    }
  }
}

/**
 * Parks a caller until `enter`'s entry is settled, times out or is withdrawn;
 * `enter` registers the entry and returns how to remove it again.
 */
function waitFor<Outcome>(
  options: MailboxWait,
  timedOut: Outcome,
  enter: (settle: (outcome: Outcome) => void) => () => void,
): Promise<Outcome> {
  return new Promise<Outcome>((resolve) => {
    const canceled = (typeof timedOut === 'string' ? 'canceled' : { kind: 'canceled' }) as Outcome;
    if (options.signal?.aborted) return resolve(canceled);
    let timer: NodeJS.Timeout | undefined;
    const withdraw = (outcome: Outcome) => {
      remove();
      settle(outcome);
    };
    const onAbort = () => withdraw(canceled);
    const settle = (outcome: Outcome) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const remove = enter(settle);
    if (options.timeout !== undefined && Number.isFinite(options.timeout)) {
      timer = setTimeout(() => withdraw(timedOut), options.timeout);
      if (!options.keepAlive) timer.unref();
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
