/**
 * A periodic daemon that buffers items and flushes them every `intervalMs`, and
 * loses nothing when it is shut down.
 *
 * The seed's periodic daemon "saves every N minutes" and dies with its parent,
 * taking whatever it had not saved yet with it. This one shuts down on purpose:
 * `stop()` ends the timer (an AbortSignal on `setInterval` from
 * `node:timers/promises`), waits for a flush in progress, then flushes what is
 * left. Three rules keep it honest:
 * - every item added before stop() is flushed exactly once;
 * - two flushes never run at the same time (the flush is I/O: it awaits);
 * - a flush that fails keeps its batch, at the front of the buffer, for the next try.
 */
import { setInterval as every } from 'node:timers/promises';

export interface FlushingDaemonOptions<T> {
  /** Time between two periodic flushes, in ms (> 0). */
  intervalMs: number;
  /** Writes a batch somewhere (a file, a database); may be async. Only called with a non-empty batch. */
  flush: (batch: T[]) => void | Promise<void>;
  /** Hears about failed periodic flushes (the daemon keeps running). Default: ignore. */
  onError?: (error: unknown) => void;
}

/**
 * The daemon's clock: an async iterator that yields once every `intervalMs`
 * (`for await (const _tick of ticks(ms, signal))`). When `signal` aborts, its timer
 * is cleared and the iterator throws an AbortError: that is how the loop ends.
 */
export function ticks(intervalMs: number, signal: AbortSignal): AsyncIterable<unknown> {
  return every(intervalMs, undefined, { signal });
}

export class FlushingDaemon<T> {
  readonly #options: Required<FlushingDaemonOptions<T>>;
  /** Items added and not flushed yet, oldest first. */
  readonly #buffer: T[] = [];
  /** The periodic loop while it runs: abort its controller to end it; `finished` settles when it has. */
  #loop: { controller: AbortController; finished: Promise<void> } | undefined;
  /** The flush in progress, if any. */
  #flushing: Promise<void> | undefined;
  /** Set by the first stop(). */
  #stopping: Promise<void> | undefined;

  constructor(options: FlushingDaemonOptions<T>) {
    const { intervalMs, flush, onError = () => {} } = options;
    if (!(typeof intervalMs === 'number' && intervalMs > 0 && Number.isFinite(intervalMs))) {
      throw new RangeError(`intervalMs must be a finite number > 0, got ${String(intervalMs)}`);
    }
    if (typeof flush !== 'function') throw new TypeError('flush must be a function (batch) => void | Promise<void>');
    this.#options = { intervalMs, flush, onError };
  }

  get intervalMs(): number {
    return this.#options.intervalMs;
  }

  /** Items waiting to be flushed. */
  get pending(): number {
    return this.#buffer.length;
  }

  /** Whether the periodic loop runs (started, not stopped). */
  get running(): boolean {
    return this.#loop !== undefined && this.#stopping === undefined;
  }

  /** Whether a flush is in progress now. */
  get flushing(): boolean {
    return this.#flushing !== undefined;
  }

  /** Whether stop() was called. */
  get stopped(): boolean {
    return this.#stopping !== undefined;
  }

  /** Buffers `item` for the next flush. Throws after stop(): the item would never be flushed. */
  add(item: T): void {
    if (this.#stopping) throw new Error('add() after stop(): the daemon no longer flushes');
    this.#buffer.push(item);
  }

  /**
   * Starts the periodic loop: every `intervalMs`, flush the buffer (if it holds
   * anything). A failed periodic flush goes to `onError`; the loop goes on.
   * Calling start() again while running does nothing; after stop() it throws.
   */
  start(): void {
    throw new Error('Not implemented yet: flushing-daemon — see README.md and the hints (npm run learn)');
  }

  /**
   * Flushes the buffer now: waits for a flush in progress first (never two at
   * once), then hands everything buffered to `flush` as one batch. If `flush`
   * fails, the batch goes back to the front of the buffer and this rejects.
   */
  flushNow(): Promise<void> {
    throw new Error('Not implemented yet: flushing-daemon — see README.md and the hints (npm run learn)');
  }

  /**
   * Shuts down: ends the periodic loop (and its timer), waits for a flush in
   * progress, then flushes what is left. Resolves when everything added was
   * flushed; rejects if that last flush fails (the items stay pending). Works
   * without start() too. Calling it again returns the same promise.
   */
  stop(): Promise<void> {
    throw new Error('Not implemented yet: flushing-daemon — see README.md and the hints (npm run learn)');
  }
}
