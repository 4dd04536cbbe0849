/**
 * Time for the race, behind one small interface so the same rules run on real
 * time (timers, for the live show) or on virtual time (a discrete-event
 * scheduler, for exact replays: see virtual-clock.ts).
 *
 * A clock can be *ended*: from then on every sleep, pending or new, resolves at
 * once, so every actor wakes up, sees that the race is over and leaves. No timer
 * is left behind.
 */

export interface Clock {
  readonly kind: 'real' | 'virtual';
  /** Milliseconds since the race started (real or virtual). */
  now(): number;
  /** Resolves after `ms` milliseconds of this clock's time (at once when the clock has ended). */
  sleep(ms: number): Promise<void>;
  /** Wakes every sleeper and makes later sleeps return at once. */
  end(): void;
  readonly ended: boolean;
}

/** Real time: setTimeout, or setImmediate for 0 ms (which still lets I/O and timers run). */
export class RealClock implements Clock {
  readonly kind = 'real' as const;
  #origin = performance.now();
  readonly #sleepers = new Map<NodeJS.Timeout | NodeJS.Immediate, () => void>();
  #ended = false;

  now(): number {
    return performance.now() - this.#origin;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Counts race time from now (called when the race begins). */
  restart(): void {
    this.#origin = performance.now();
  }

  sleep(ms: number): Promise<void> {
    if (this.#ended) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        this.#sleepers.delete(handle);
        resolve();
      };
      const handle: NodeJS.Timeout | NodeJS.Immediate = ms > 0 ? setTimeout(wake, ms) : setImmediate(wake);
      this.#sleepers.set(handle, resolve);
    });
  }

  end(): void {
    this.#ended = true;
    for (const [handle, resolve] of this.#sleepers) {
      clearTimeout(handle as NodeJS.Timeout);
      clearImmediate(handle as NodeJS.Immediate);
      resolve();
    }
    this.#sleepers.clear();
  }
}
