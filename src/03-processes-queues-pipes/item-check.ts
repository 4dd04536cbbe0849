/**
 * The check every item passes before it enters a Queue or Pipe: assertCloneable,
 * with a fast path. A full check walks the value and clones it once (about 2 µs
 * for a small object, as much as the whole transport spends per item), so values
 * that are cloneable by construction skip it: primitives, and plain objects or
 * arrays whose own values are all primitives (the usual `{ producer, seq }` item).
 */
import { assertCloneable } from '../engine/cloneable.js';

/** Throws assertCloneable's TypeError, naming `parameterName`, when `value` cannot be copied. */
export function assertItemCloneable(value: unknown, parameterName: string): void {
  if (!isFlatPlainData(value)) assertCloneable(value, parameterName);
}

function isPrimitive(value: unknown): boolean {
  return value === null || (typeof value !== 'object' && typeof value !== 'function' && typeof value !== 'symbol');
}

function isFlatPlainData(value: unknown): boolean {
  if (isPrimitive(value)) return true;
  if (typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  if (prototype === Array.prototype) {
    const array = value as unknown[];
    return Object.keys(array).length === array.length && array.every(isPrimitive);
  }
  if (prototype !== Object.prototype && prototype !== null) return false;
  for (const key in value) {
    if (!isPrimitive((value as Record<string, unknown>)[key])) return false;
  }
  return true;
}
