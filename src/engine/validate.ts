/**
 * Checks for the library's inputs, shared by every unit. Each error names the
 * parameter, says what was expected and shows what came, so a student sees the
 * mistake in the message (`size must be a positive integer, got 0`), not deep
 * inside a worker.
 */

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'function') return `a function (${value.name || 'anonymous'})`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  return String(value);
}

/** A positive integer (`Infinity` too when `allowInfinity`). */
export function checkPositiveInteger(value: unknown, name: string, allowInfinity = false): number {
  if (typeof value === 'number' && ((Number.isInteger(value) && value > 0) || (allowInfinity && value === Infinity))) {
    return value;
  }
  const expected = allowInfinity ? 'a positive integer or Infinity' : 'a positive integer';
  throw new RangeError(`${name} must be ${expected}, got ${describeValue(value)}`);
}

/** Zero or a positive integer (e.g. retries). */
export function checkCount(value: unknown, name: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  throw new RangeError(`${name} must be an integer >= 0, got ${describeValue(value)}`);
}

/** A time limit in ms for work (> 0), or undefined for none. */
export function checkTimeout(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && value > 0 && value < 2 ** 31) return value;
  throw new RangeError(`${name} must be a number of milliseconds > 0 (and < 2^31), got ${describeValue(value)}`);
}

/** A time to wait in ms (>= 0: 0 means "just check"), or undefined for "as long as it takes". */
export function checkWaitTimeout(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && value >= 0 && value < 2 ** 31) return value;
  throw new RangeError(`${name} must be a number of milliseconds >= 0 (and < 2^31), got ${describeValue(value)}`);
}

export function checkSignal(value: unknown, name: string): AbortSignal | undefined {
  if (value === undefined || value instanceof AbortSignal) return value as AbortSignal | undefined;
  throw new TypeError(`${name} must be an AbortSignal, got ${describeValue(value)}`);
}

/** A function, or undefined when `optional`. */
export function checkFunction<F extends (...args: never[]) => unknown>(value: unknown, name: string): F;
export function checkFunction<F extends (...args: never[]) => unknown>(value: unknown, name: string, optional: true): F | undefined;
export function checkFunction(value: unknown, name: string, optional = false): unknown {
  if (typeof value === 'function' || (optional && value === undefined)) return value;
  throw new TypeError(`${name} must be a function, got ${describeValue(value)}`);
}

export function checkIterable(value: unknown, name: string): Iterable<unknown> {
  if (value !== null && typeof (value as { [Symbol.iterator]?: unknown })?.[Symbol.iterator] === 'function') {
    return value as Iterable<unknown>;
  }
  throw new TypeError(`${name} must be iterable (an array, a Set, a generator...), got ${describeValue(value)}`);
}

export function checkArray(value: unknown, name: string): unknown[] {
  if (Array.isArray(value)) return value;
  throw new TypeError(`${name} must be an array of arguments, e.g. [3] or [a, b], got ${describeValue(value)}`);
}

export function checkOneOf<T extends string>(value: unknown, name: string, allowed: readonly T[]): T {
  if (allowed.includes(value as T)) return value as T;
  throw new RangeError(`${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describeValue(value)}`);
}

/** An options argument: undefined or a plain object. */
export function checkOptions<T extends object>(value: T | undefined, name: string): Partial<T> {
  if (value === undefined) return {};
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value;
  throw new TypeError(`${name} must be an object, got ${describeValue(value)}`);
}
