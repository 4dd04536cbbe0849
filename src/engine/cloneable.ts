/**
 * What may cross to a worker or a child process. Values are *copied* with the
 * structured clone algorithm (threads) or JSON (child process IPC); only a
 * SharedArrayBuffer is ever shared. Functions, sockets, class instances with
 * private state and the like cannot be copied: check early, and say which
 * argument was the problem, instead of failing somewhere inside a worker.
 */

/** Throws a TypeError naming `parameterName` when `value` cannot be structured-cloned. */
export function assertCloneable(value: unknown, parameterName: string): void {
  const culprit = findUncloneable(value, parameterName, new Set());
  if (culprit) {
    throw new TypeError(
      `${culprit.path} cannot be sent to a worker: ${culprit.reason}. ` +
        'Only data can cross (numbers, strings, arrays, plain objects, Map, Set, Date, ArrayBuffer, ' +
        'typed arrays); functions and live objects such as sockets, streams and handles cannot. ' +
        'Send the data they hold, or create them inside the worker.',
    );
  }
  try {
    structuredClone(value);
  } catch (error) {
    throw new TypeError(`${parameterName} cannot be sent to a worker: ${(error as Error).message}`, { cause: error });
  }
}

interface Culprit {
  path: string;
  reason: string;
}

function findUncloneable(value: unknown, path: string, seen: Set<object>): Culprit | undefined {
  if (typeof value === 'function') return { path, reason: `it is a function (${value.name || 'anonymous'})` };
  if (typeof value === 'symbol') return { path, reason: 'it is a symbol' };
  if (typeof value !== 'object' || value === null || seen.has(value)) return undefined;
  seen.add(value);
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof SharedArrayBuffer) return undefined;
  if (value instanceof Date || value instanceof RegExp || value instanceof Error) return undefined;
  if (value instanceof Map) {
    for (const [key, entry] of value) {
      const found = findUncloneable(key, `${path} (a Map key)`, seen) ?? findUncloneable(entry, `${path}.get(${String(key)})`, seen);
      if (found) return found;
    }
    return undefined;
  }
  if (value instanceof Set) {
    for (const entry of value) {
      const found = findUncloneable(entry, `${path} (a Set member)`, seen);
      if (found) return found;
    }
    return undefined;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== Array.prototype && prototype !== null) {
    const className = (prototype?.constructor?.name as string | undefined) ?? 'unknown';
    if (isLiveObject(value)) return { path, reason: `it is a live ${className} object` };
  }
  for (const [key, entry] of Object.entries(value)) {
    const found = findUncloneable(entry, Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`, seen);
    if (found) return found;
  }
  return undefined;
}

/** Streams, sockets, servers, emitters: objects that wrap a resource, not data. */
function isLiveObject(value: object): boolean {
  const candidate = value as { on?: unknown; emit?: unknown; pipe?: unknown; ref?: unknown };
  return (
    typeof candidate.on === 'function' ||
    typeof candidate.emit === 'function' ||
    typeof candidate.pipe === 'function' ||
    typeof candidate.ref === 'function'
  );
}
