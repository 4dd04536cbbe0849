/**
 * Async tools for the event loop, named after the asyncio calls students know:
 *
 * | asyncio                         | here                          |
 * | ------------------------------- | ----------------------------- |
 * | `await asyncio.sleep(s)`        | `await sleep(ms)`             |
 * | `await asyncio.wait_for(c, s)`  | `await withTimeout(p, ms)`    |
 * | `await asyncio.gather(*cs)`     | `await gather(ps)`            |
 * | `gather(..., return_exceptions=True)` | `gather(ps, { returnExceptions: true })` |
 * | a `Semaphore(n)` around each task | `mapLimit(items, n, fn)` (p-limit) |
 *
 * Every wait can be canceled with an AbortSignal and leaves no timer behind.
 */
import pLimit from 'p-limit';
import { checkFunction, checkPositiveInteger, checkSignal, checkTimeout, checkWaitTimeout, describeValue } from '../engine/validate.js';

export interface SleepOptions {
  signal?: AbortSignal;
}

/** Resolves after `ms` milliseconds; rejects with the signal's reason when aborted first. */
export function sleep(ms: number, options: SleepOptions = {}): Promise<void> {
  const delay = checkWaitTimeout(ms, 'ms');
  if (delay === undefined) throw new RangeError('ms must be a number of milliseconds >= 0, got undefined');
  const signal = checkSignal(options.signal, 'signal');
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, delay);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The error `withTimeout` rejects with (asyncio raises `TimeoutError` too). */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
  constructor(
    readonly label: string,
    readonly timeoutMs: number,
  ) {
    super(`${label} did not finish within ${timeoutMs} ms`);
  }
}

export interface WithTimeoutOptions {
  /** Names the work in the error message (default "the operation"). */
  label?: string;
}

/**
 * Waits for `work` at most `ms` milliseconds. `work` is a promise, or a function
 * that receives an AbortSignal: that signal aborts at the deadline, so the work
 * can stop itself (a promise alone cannot be canceled; it just stops being waited for).
 */
export function withTimeout<T>(
  work: Promise<T> | ((signal: AbortSignal) => Promise<T>),
  ms: number,
  options: WithTimeoutOptions = {},
): Promise<T> {
  const timeoutMs = checkTimeout(ms, 'ms');
  if (timeoutMs === undefined) throw new RangeError('ms must be a number of milliseconds > 0, got undefined');
  if (!(work instanceof Promise) && typeof work !== 'function') {
    throw new TypeError(`work must be a promise or a function (signal) => promise, got ${describeValue(work)}`);
  }
  const label = options.label ?? 'the operation';
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new TimeoutError(label, timeoutMs);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  const running = typeof work === 'function' ? Promise.resolve().then(() => work(controller.signal)) : work;
  // A late rejection of the abandoned work must not become an unhandled rejection.
  running.catch(() => {});
  return Promise.race([running, deadline]).finally(() => clearTimeout(timer));
}

export interface GatherOptions {
  /** Like asyncio's `return_exceptions=True`: errors come back in the results instead of rejecting. */
  returnExceptions?: boolean;
}

type Awaited_<T> = T extends PromiseLike<infer U> ? U : T;
type GatherResults<T extends readonly unknown[]> = { -readonly [K in keyof T]: Awaited_<T[K]> };
type GatherResultsOrErrors<T extends readonly unknown[]> = { -readonly [K in keyof T]: Awaited_<T[K]> | Error };

/**
 * asyncio.gather: waits for every awaitable and returns their results in order.
 * By default the first rejection rejects the whole (like `Promise.all`); with
 * `returnExceptions` every failure takes its place in the results as an Error.
 */
export function gather<T extends readonly unknown[]>(awaitables: readonly [...T]): Promise<GatherResults<T>>;
export function gather<T extends readonly unknown[]>(
  awaitables: readonly [...T],
  options: { returnExceptions: true },
): Promise<GatherResultsOrErrors<T>>;
export function gather<T extends readonly unknown[]>(
  awaitables: readonly [...T],
  options?: GatherOptions,
): Promise<GatherResults<T> | GatherResultsOrErrors<T>>;
export async function gather(awaitables: readonly unknown[], options: GatherOptions = {}): Promise<unknown[]> {
  if (!Array.isArray(awaitables)) {
    throw new TypeError(`awaitables must be an array of promises or values, got ${describeValue(awaitables)}`);
  }
  if (!options.returnExceptions) return Promise.all(awaitables);
  const settled = await Promise.allSettled(awaitables);
  return settled.map((outcome) =>
    outcome.status === 'fulfilled' ? outcome.value : outcome.reason instanceof Error ? outcome.reason : new Error(String(outcome.reason)),
  );
}

export interface MapLimitOptions {
  /** Stops starting new calls once aborted; the promise rejects with the reason. */
  signal?: AbortSignal;
}

/**
 * Calls `fn` on every item with at most `limit` calls in flight (p-limit), and
 * returns the results in the order of the items. The first failure rejects;
 * calls not yet started are then dropped.
 */
export async function mapLimit<T, R>(
  items: Iterable<T>,
  limit: number,
  fn: (item: T, index: number) => Promise<R> | R,
  options: MapLimitOptions = {},
): Promise<R[]> {
  checkPositiveInteger(limit, 'limit', true);
  checkFunction(fn, 'fn');
  const signal = checkSignal(options.signal, 'signal');
  signal?.throwIfAborted();
  // rejectOnClear: calls dropped after a failure reject too, so nothing is left pending.
  const gate = pLimit({ concurrency: limit, rejectOnClear: true });
  let firstFailure: { error: unknown } | undefined;
  const stop = () => gate.clearQueue();
  signal?.addEventListener('abort', stop, { once: true });
  const calls = [...items].map((item, index) =>
    gate(async () => {
      signal?.throwIfAborted();
      try {
        return await fn(item, index);
      } catch (error) {
        firstFailure ??= { error };
        stop();
        throw error;
      }
    }),
  );
  try {
    return await Promise.all(calls);
  } catch (error) {
    // Dropped calls reject with p-limit's AbortError first: report the cause instead.
    throw signal?.aborted ? signal.reason : (firstFailure?.error ?? error);
  } finally {
    signal?.removeEventListener('abort', stop);
  }
}
