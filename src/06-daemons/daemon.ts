/**
 * What the three daemon kinds have in common (seed 001: "sporadic, periodic,
 * long-running"): a name, a running flag, how many times the work ran, the
 * error that stopped it if any, and `stop()`, which resolves once the work in
 * progress has finished, so a daemon ends "robustly" (files flushed,
 * connections closed) instead of being cut mid-write.
 *
 * Daemon-ness itself, "does not keep the program alive", is Node's `unref()`:
 * the daemons' own timers are unref'ed; with `keepAlive`, a held-open handle
 * keeps the program alive until the daemon stops. Work the daemon is doing (a
 * write, a request) still keeps the program alive until it finishes, as it should.
 *
 * A daemon reads the time and sets its timers through a `clock` (the real one
 * by default). A test passes a clock it moves by hand, so "three intervals
 * later" takes no real time and gives the same count on any machine.
 */
import { checkFunction, checkOptions, checkSignal, describeValue } from '../engine/validate.js';

export type DaemonKind = 'periodic' | 'sporadic' | 'long-running';

export interface Daemon {
  readonly name: string;
  readonly kind: DaemonKind;
  /** True until the daemon stopped (asked to, its signal aborted, or its work threw). */
  readonly running: boolean;
  /** How many times the work has finished (ticks, events handled, beats of a long-running task). */
  readonly runs: number;
  /** The error that stopped the daemon, if its work threw and no onError kept it going. */
  readonly error: unknown;
  /** Resolves when the daemon has stopped (never rejects: read `error`). */
  readonly done: Promise<void>;
  /** Asks it to stop; resolves once the work in progress has finished. Idempotent. */
  stop(): Promise<void>;
}

export interface DaemonOptions {
  /** Shown in errors and timelines (default: the kind). */
  name?: string;
  /** Stops the daemon when aborted, as stop() does. */
  signal?: AbortSignal;
  /** Keep the program alive while the daemon waits (default false: a daemon does not). */
  keepAlive?: boolean;
  /**
   * Called when the work throws. Return normally to keep the daemon going;
   * throw (the default handler rethrows) to stop it, the error kept in `error`.
   */
  onError?: (error: unknown, daemon: Daemon) => void;
  /** Where the daemon reads the time and sets its timers (default: the real clock). */
  clock?: DaemonClock;
}

/** Time for a daemon: `now()` in ms, and timers (`setTimeout`'s shape). */
export interface DaemonClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
}

/** The real clock: performance.now(), and timers that do not keep the program alive. */
export const realClock: DaemonClock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
};

/** The life cycle every kind shares: stop once, remember the first error, resolve `done`. */
export class DaemonState implements Daemon {
  readonly name: string;
  readonly kind: DaemonKind;
  readonly controller = new AbortController();
  readonly clock: DaemonClock;
  readonly done: Promise<void>;
  runs = 0;
  error: unknown = undefined;
  #running = true;
  #finish!: () => void;
  readonly #onError: DaemonOptions['onError'];
  readonly #detachSignal: () => void;
  readonly #release: (() => void) | undefined;

  constructor(kind: DaemonKind, given: DaemonOptions | undefined) {
    const options = checkOptions(given, 'options');
    if (options.name !== undefined && typeof options.name !== 'string') {
      throw new TypeError(`name must be a string, got ${describeValue(options.name)}`);
    }
    const outer = checkSignal(options.signal, 'signal');
    this.#onError = checkFunction(options.onError, 'onError', true);
    const clock = options.clock ?? realClock;
    if (typeof clock?.now !== 'function' || typeof clock.setTimeout !== 'function' || typeof clock.clearTimeout !== 'function') {
      throw new TypeError(`clock must have now(), setTimeout() and clearTimeout(), got ${describeValue(clock)}`);
    }
    this.clock = clock;
    this.kind = kind;
    this.name = options.name ?? kind;
    this.done = new Promise((resolve) => (this.#finish = resolve));
    const onAbort = () => this.controller.abort(outer?.reason);
    outer?.addEventListener('abort', onAbort, { once: true });
    this.#detachSignal = () => outer?.removeEventListener('abort', onAbort);
    if (outer?.aborted) this.controller.abort(outer.reason);
    this.#release = options.keepAlive ? holdProgramOpen() : undefined;
  }

  get running(): boolean {
    return this.#running;
  }

  /** The signal the daemon's loop waits on: aborted by stop() or by the caller's signal. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  stop(): Promise<void> {
    if (!this.controller.signal.aborted) this.controller.abort(new Error(`${this.name} stopped`));
    return this.done;
  }

  /** Resolves after `ms` on the daemon's clock; rejects with the stop's reason if the daemon stops first. */
  sleep(ms: number): Promise<void> {
    const { clock, signal } = this;
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const onStop = () => {
        clock.clearTimeout(timer);
        reject(signal.reason);
      };
      const timer = clock.setTimeout(() => {
        signal.removeEventListener('abort', onStop);
        resolve();
      }, ms);
      signal.addEventListener('abort', onStop, { once: true });
    });
  }

  /** Handles a failure of the work: true to go on, false to stop. */
  failed(error: unknown): boolean {
    try {
      if (!this.#onError) throw error;
      this.#onError(error, this);
      return true;
    } catch (thrown) {
      this.error = thrown;
      return false;
    }
  }

  /** Called by the loop when it has left for good. */
  finished(): void {
    this.#running = false;
    this.#detachSignal();
    this.#release?.();
    if (!this.controller.signal.aborted) this.controller.abort(new Error(`${this.name} finished`));
    this.#finish();
  }
}

/**
 * Keeps the program alive until the returned function is called: a ref'ed
 * timer that does nothing. Daemons use it for `keepAlive`; a program whose
 * main work is waiting on daemons (the monitor) holds itself open with it.
 */
export function holdProgramOpen(): () => void {
  const timer = setInterval(() => {}, 2 ** 30);
  return () => clearInterval(timer);
}

/** An abort of the daemon's own signal is how a wait ends on stop(), not an error. */
export function isStop(error: unknown, signal: AbortSignal): boolean {
  return signal.aborted && (error === signal.reason || (error as { name?: string })?.name === 'AbortError');
}
