/**
 * The `{ timeout }` option of Queue.put/get and PipeEnd.recv, checked in one
 * place so every operation words its errors the same way.
 */
import { describeValue } from '../engine/validate.js';

export interface WaitOptions {
  /**
   * Most milliseconds to wait. Left out (or Infinity): wait as long as it takes.
   * 0: do not wait at all (Python's `block=False`).
   */
  timeout?: number;
}

/** Longest delay setTimeout honours; longer ones would fire at once, so they mean "no limit". */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/** The timeout in ms (undefined: no limit), or a RangeError naming `timeout` and `operation`. */
export function readTimeout(options: WaitOptions | undefined, operation: string): number | undefined {
  const timeout: unknown = options?.timeout;
  if (timeout === undefined) return undefined;
  if (typeof timeout !== 'number' || Number.isNaN(timeout) || timeout < 0) {
    throw new RangeError(`${operation}: timeout must be a number of milliseconds >= 0, got ${describeValue(timeout)}`);
  }
  return timeout > LONGEST_TIMER_MS ? undefined : timeout;
}
