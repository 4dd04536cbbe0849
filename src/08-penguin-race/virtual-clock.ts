/**
 * Virtual time: a discrete-event scheduler. Nobody really sleeps; `sleep(ms)`
 * puts a wake-up at `now + ms` in a queue, and `run()` wakes the sleepers one
 * at a time, earliest first (ties: first asked, first woken), jumping the clock
 * straight to each wake-up time. A race of minutes takes milliseconds, and the
 * same program with the same seed takes exactly the same steps, every time.
 *
 * Why one at a time: after waking a sleeper, run() lets it go on until it
 * sleeps again (it waits for the microtask queue to drain, via setImmediate), so
 * the order in which actors act depends only on the virtual times, never on the
 * real speed of anything.
 *
 * Actors in other threads or processes act on virtual time too: the host takes
 * a `hold()` when it sends an actor a message and releases it when the actor's
 * answer arrives. Time does not move while a hold is out, so a remote actor is
 * exactly as "instant" as a local one, only slower in real time.
 */
import type { Clock } from './clock.js';

interface Sleeper {
  readonly time: number;
  /** Insertion order: breaks ties between equal times (first asked, first woken). */
  readonly order: number;
  readonly wake: () => void;
}

/** How a run of the virtual clock ended. */
export type VirtualRunEnd = 'idle' | 'stopped' | 'wall-limit';

export interface VirtualRunOptions {
  /** Checked before each step: true stops the run. */
  until?: () => boolean;
  /** Give up after this many REAL milliseconds (a safety net against a stuck actor). */
  wallLimitMs?: number;
}

export class VirtualClock implements Clock {
  readonly kind = 'virtual' as const;
  #now = 0;
  #order = 0;
  #ended = false;
  /** A binary min-heap of sleepers by (time, order). */
  readonly #heap: Sleeper[] = [];
  #holds = 0;
  #holdsReleased: (() => void) | undefined;
  #steps = 0;

  now(): number {
    return this.#now;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Wake-ups done so far. */
  get steps(): number {
    return this.#steps;
  }

  /** Sleepers waiting now. */
  get pending(): number {
    return this.#heap.length;
  }

  /** Holds out now. */
  get holds(): number {
    return this.#holds;
  }

  sleep(ms: number): Promise<void> {
    if (this.#ended) return Promise.resolve();
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`ms must be a finite number >= 0, got ${ms}`);
    return new Promise((wake) => this.#push({ time: this.#now + ms, order: this.#order++, wake }));
  }

  /**
   * Stops time until the returned function is called (once): for an actor that
   * is working somewhere else and will ask for a sleep when it is done.
   */
  hold(): () => void {
    this.#holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#holds--;
      if (this.#holds === 0) this.#holdsReleased?.();
    };
  }

  /**
   * Runs the simulation: wakes sleepers in time order until none is left
   * ('idle'), `until()` says stop ('stopped'), or the real-time limit passes.
   */
  async run(options: VirtualRunOptions = {}): Promise<VirtualRunEnd> {
    const { until = () => false, wallLimitMs = Infinity } = options;
    const deadline = performance.now() + wallLimitMs;
    for (;;) {
      const settled = await this.#settle(deadline);
      if (!settled) return 'wall-limit';
      if (this.#ended || until()) return 'stopped';
      const next = this.#pop();
      if (!next) return 'idle';
      this.#now = next.time;
      this.#steps++;
      next.wake();
    }
  }

  end(): void {
    this.#ended = true;
    const sleepers = this.#heap.splice(0).sort((a, b) => a.time - b.time || a.order - b.order);
    for (const sleeper of sleepers) sleeper.wake();
    this.#holdsReleased?.();
  }

  /** Lets the woken actor run until it sleeps again and every hold is back. False past the deadline. */
  async #settle(deadline: number): Promise<boolean> {
    for (;;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.#holds === 0 || this.#ended) return true;
      const left = deadline - performance.now();
      if (left <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.#holdsReleased = resolve;
        if (left !== Infinity) timer = setTimeout(resolve, Math.min(left, 2 ** 31 - 1));
      });
      clearTimeout(timer);
      this.#holdsReleased = undefined;
    }
  }

  #less(a: Sleeper, b: Sleeper): boolean {
    return a.time < b.time || (a.time === b.time && a.order < b.order);
  }

  #push(sleeper: Sleeper): void {
    const heap = this.#heap;
    heap.push(sleeper);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.#less(heap[index], heap[parent])) break;
      [heap[index], heap[parent]] = [heap[parent], heap[index]];
      index = parent;
    }
  }

  #pop(): Sleeper | undefined {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      let index = 0;
      for (;;) {
        const left = 2 * index + 1;
        const right = left + 1;
        let smallest = index;
        if (left < heap.length && this.#less(heap[left], heap[smallest])) smallest = left;
        if (right < heap.length && this.#less(heap[right], heap[smallest])) smallest = right;
        if (smallest === index) break;
        [heap[index], heap[smallest]] = [heap[smallest], heap[index]];
        index = smallest;
      }
    }
    return top;
  }
}
