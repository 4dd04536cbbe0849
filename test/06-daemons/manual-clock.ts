/**
 * A clock the tests move by hand, for the daemons' `clock` option: its time
 * stands still until `advance(ms)`, which fires the timers that fall due, in
 * order, and lets the promises they resolve run before the next one fires. No
 * real waiting, so a test can count runs and check their order exactly, on any
 * machine, however busy.
 */
import type { DaemonClock } from '../../src/06-daemons/daemon.js';

interface Timer {
  at: number;
  order: number;
  callback: () => void;
}

/** Lets every promise chain started so far run to its end, or to the timer it waits on. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class ManualClock implements DaemonClock {
  #now = 0;
  #made = 0;
  readonly #timers = new Set<Timer>();

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number): Timer {
    const timer = { at: this.#now + Math.max(0, ms), order: this.#made++, callback };
    this.#timers.add(timer);
    return timer;
  }

  clearTimeout(timer: unknown): void {
    this.#timers.delete(timer as Timer);
  }

  /** Timers set and not yet fired or cleared. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Resolves after `ms` of this clock's time: work that "takes" that long. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, ms));
  }

  /** Moves the time `ms` forward, firing every timer due on the way (earliest first, ties in the order set). */
  async advance(ms: number): Promise<void> {
    const end = this.#now + ms;
    await settle();
    for (;;) {
      const due = [...this.#timers].filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at || a.order - b.order)[0];
      if (!due) break;
      this.#timers.delete(due);
      this.#now = due.at;
      due.callback();
      await settle();
    }
    this.#now = end;
  }
}
