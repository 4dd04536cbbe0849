/**
 * A bounded FIFO queue with back-pressure, the pool's waiting room.
 *
 * `enqueue` adds an item at once while there is room. When the queue is full it
 * returns a promise instead, and the item waits *outside* the queue, in arrival
 * order, until `shift` frees a slot: then the item moves in and the promise
 * resolves. So a producer that awaits `enqueue` slows down to the consumers'
 * pace instead of filling memory (the same idea as a bounded channel).
 *
 * Requeued items (a task retried after a crash) go to the front with `unshift`,
 * which ignores the bound: work already accepted is never refused.
 */

interface Waiter<T> {
  item: T;
  resolve(): void;
  reject(error: unknown): void;
}

export class TaskQueue<T> {
  private items: (T | undefined)[] = [];
  private head = 0;
  private waiters: Waiter<T>[] = [];

  /** @param capacity how many items may wait in the queue (Infinity: unbounded). */
  constructor(readonly capacity: number = Infinity) {}

  /** Items in the queue (not counting those waiting for room). */
  get length(): number {
    return this.items.length - this.head;
  }

  /** Producers waiting for room. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** Adds `item`; when full, returns a promise that resolves once the item is in. */
  enqueue(item: T): Promise<void> | undefined {
    if (this.length < this.capacity && this.waiters.length === 0) {
      this.items.push(item);
      return undefined;
    }
    return new Promise<void>((resolve, reject) => this.waiters.push({ item, resolve, reject }));
  }

  /** Puts `item` first (for retries); never waits. */
  unshift(item: T): void {
    if (this.head > 0) this.items[--this.head] = item;
    else this.items.unshift(item);
  }

  /** The oldest item (undefined when empty). */
  peek(): T | undefined {
    return this.length > 0 ? this.items[this.head] : undefined;
  }

  /** Removes and returns the oldest item, letting a waiting item in. */
  shift(): T | undefined {
    if (this.length === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    this.admitWaiters();
    return item;
  }

  /** Removes every item (queued or waiting) for which `predicate` holds, in order. */
  removeWhere(predicate: (item: T) => boolean): T[] {
    const removed: T[] = [];
    const kept: T[] = [];
    for (let i = this.head; i < this.items.length; i++) {
      const item = this.items[i] as T;
      (predicate(item) ? removed : kept).push(item);
    }
    this.items = kept;
    this.head = 0;
    for (const waiter of this.waiters.filter((w) => predicate(w.item))) {
      removed.push(waiter.item);
      waiter.resolve(); // its producer goes on; the item itself is dropped
    }
    this.waiters = this.waiters.filter((w) => !predicate(w.item));
    this.admitWaiters();
    return removed;
  }

  /** Empties the queue and rejects every waiting producer with `error`; returns the queued items. */
  clear(error: unknown): T[] {
    const removed = this.items.slice(this.head) as T[];
    this.items = [];
    this.head = 0;
    for (const waiter of this.waiters) {
      removed.push(waiter.item);
      waiter.reject(error);
    }
    this.waiters = [];
    return removed;
  }

  private admitWaiters(): void {
    while (this.waiters.length > 0 && this.length < this.capacity) {
      const waiter = this.waiters.shift() as Waiter<T>;
      this.items.push(waiter.item);
      waiter.resolve();
    }
  }
}
