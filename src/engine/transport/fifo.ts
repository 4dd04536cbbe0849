/**
 * A first-in first-out list with O(1) push and shift, used for a mailbox's items,
 * the items a consumer holds, and a remote consumer's buffer.
 */
export class Fifo<T> {
  #items: T[] = [];
  #head = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }

  push(item: T): void {
    this.#items.push(item);
  }

  /** The item at `index` from the front (0: the oldest). */
  at(index: number): T | undefined {
    return this.#items[this.#head + index];
  }

  /** Removes and returns the oldest item. */
  shift(): T | undefined {
    if (this.length === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined as T;
    this.#head += 1;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  /** Removes and returns the item at `index` from the front. */
  removeAt(index: number): T {
    if (index === 0) return this.shift()!;
    return this.#items.splice(this.#head + index, 1)[0];
  }

  /** Removes and returns the newest `count` items, oldest first. */
  popNewest(count: number): T[] {
    const start = Math.max(this.#head, this.#items.length - count);
    return this.#items.splice(start);
  }

  /** Removes and returns everything, oldest first. */
  drain(): T[] {
    const all = this.#items.slice(this.#head);
    this.#items = [];
    this.#head = 0;
    return all;
  }

  /** Puts items back in the list so that it stays sorted by `key` (the list must be sorted by it). */
  insertSorted(items: readonly T[], key: (item: T) => number): void {
    if (items.length === 0) return;
    const rest = this.drain();
    const merged: T[] = [];
    let a = 0;
    let b = 0;
    while (a < items.length || b < rest.length) {
      const takeFromItems = b === rest.length || (a < items.length && key(items[a]) < key(rest[b]));
      merged.push(takeFromItems ? items[a++] : rest[b++]);
    }
    this.#items = merged;
  }

  [Symbol.iterator](): Iterator<T> {
    return this.#items.slice(this.#head)[Symbol.iterator]();
  }
}
