/**
 * An event flag on shared memory (Python's threading.Event): one cell, 0 or 1.
 * `set()` stores 1 and wakes every waiter; `wait()` sleeps while the cell is 0.
 * Waiters re-check after waking, so a set-then-clear in between is seen as "not
 * set" and they sleep again (or time out).
 */
import { deadlineAfter, runAsync, runBlocking, type Waiting } from './atomic-wait.js';
import { attach, openCells, type Attach, type SharedHandle } from './shared-cells.js';
import { registerRevivable } from '../engine/revivable.js';

/** Plain data naming an Event's cell; `Event.from(handle)` rebuilds it in a worker. */
export type EventHandle = SharedHandle<'Event'>;

const FLAG = 0;
const CELLS = 1;

export class Event {
  /** Send this to a worker; rebuild there with `Event.from`. */
  readonly handle: EventHandle;
  readonly #cells: Int32Array;

  /** A new event, not set. (The argument is how `Event.from` attaches: leave it out.) */
  constructor(existing?: Attach<EventHandle>) {
    ({ handle: this.handle, cells: this.#cells } = openCells<EventHandle>(existing, 'Event', CELLS));
  }

  /** The same event, seen from this thread. */
  static from(handle: EventHandle): Event {
    return new Event(attach(handle));
  }

  /** Sets the flag and wakes every waiter. */
  set(): void {
    Atomics.store(this.#cells, FLAG, 1);
    Atomics.notify(this.#cells, FLAG);
  }

  /** Clears the flag: later waits sleep until the next set(). */
  clear(): void {
    Atomics.store(this.#cells, FLAG, 0);
  }

  isSet(): boolean {
    return Atomics.load(this.#cells, FLAG) === 1;
  }

  /** Blocks this thread until the flag is set (workers only). Returns false if `timeout` ms pass first. */
  wait(timeout?: number): boolean {
    return runBlocking(this.#waitSteps(deadlineAfter(timeout)), 'Event.wait()', 'await event.waitAsync()');
  }

  /** Waits for the flag without blocking the event loop. Resolves false on timeout. */
  waitAsync(timeout?: number): Promise<boolean> {
    return runAsync(() => this.#waitSteps(deadlineAfter(timeout)));
  }

  *#waitSteps(deadline: number): Waiting<boolean> {
    while (!this.isSet()) {
      const outcome = yield { cells: this.#cells, index: FLAG, expected: 0, deadline };
      if (outcome === 'timed-out') return this.isSet();
    }
    return true;
  }
}

// A Event given to a Thread or Process arrives as its handle and is rebuilt there with Event.from.
registerRevivable('Event', { module: import.meta.url, export: 'Event', method: 'from' });
