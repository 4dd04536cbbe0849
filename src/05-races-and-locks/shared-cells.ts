/**
 * Where the shared primitives keep their state: a few Int32 cells in a
 * SharedArrayBuffer. Objects are copied between workers (pitfall 2), so a
 * primitive crosses to a worker as its *handle* (plain data: the buffer and where
 * its cells start); `X.from(handle)` in the worker views the same memory.
 */
import { threadId } from 'node:worker_threads';

/** Plain data that names a primitive's cells: send it to a worker, rebuild with `from`. */
export interface SharedHandle<Kind extends string = string> {
  readonly kind: Kind;
  readonly sab: SharedArrayBuffer;
  /** Index (in Int32 cells) of the primitive's first cell. */
  readonly index: number;
}

/** A fresh, zeroed handle with `cellCount` cells of its own. */
export function allocateHandle<Kind extends string>(kind: Kind, cellCount: number): SharedHandle<Kind> {
  return { kind, sab: new SharedArrayBuffer(cellCount * Int32Array.BYTES_PER_ELEMENT), index: 0 };
}

/** The cells a handle names, after checking it really is a `kind` handle. */
export function cellsOf(handle: unknown, kind: string, cellCount: number): Int32Array {
  const candidate = handle as Partial<SharedHandle> | null;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    candidate.kind !== kind ||
    !(candidate.sab instanceof SharedArrayBuffer) ||
    !Number.isInteger(candidate.index) ||
    (candidate.index as number) < 0 ||
    ((candidate.index as number) + cellCount) * Int32Array.BYTES_PER_ELEMENT > candidate.sab.byteLength
  ) {
    throw new TypeError(
      `handle must be a ${kind} handle ({ kind: '${kind}', sab: SharedArrayBuffer, index }), got ${describeValue(handle)}`,
    );
  }
  return new Int32Array(candidate.sab, (candidate.index as number) * Int32Array.BYTES_PER_ELEMENT, cellCount);
}

const ATTACH = Symbol('attach to an existing handle');

/**
 * A constructor argument meaning "view these existing cells" rather than "make new
 * ones": how `X.from(handle)` reaches the constructor without a public parameter.
 */
export interface Attach<Handle> {
  readonly [ATTACH]: Handle;
}

export function attach<Handle>(handle: Handle): Attach<Handle> {
  return { [ATTACH]: handle };
}

/** The handle inside an Attach argument, or undefined for any other argument. */
export function attachedHandle<Handle>(argument: unknown): Handle | undefined {
  return typeof argument === 'object' && argument !== null && ATTACH in argument ? (argument as Attach<Handle>)[ATTACH] : undefined;
}

/**
 * What every primitive's constructor starts with: the handle and cells of the
 * primitive `argument` attaches to (how `X.from(handle)` reaches the
 * constructor), or of a new one made by `create` (default: zeroed cells).
 * `attached` says which, so a new primitive can set its initial state.
 */
export function openCells<Handle extends SharedHandle>(
  argument: unknown,
  kind: Handle['kind'],
  cellCount: number,
  create: () => Handle = () => allocateHandle(kind, cellCount) as Handle,
): { handle: Handle; cells: Int32Array; attached: boolean } {
  const existing = attachedHandle<Handle>(argument);
  const handle = existing ?? create();
  return { handle, cells: cellsOf(handle, kind, cellCount), attached: existing !== undefined };
}

/**
 * This thread's id as stored in shared memory: `threadId + 1`, so that 0 can mean
 * "nobody" (the main thread's threadId is 0).
 */
export const selfTag: number = threadId + 1;

/** The thread id a stored tag stands for (undefined for 0, "nobody"). */
export function threadOfTag(tag: number): number | undefined {
  return tag === 0 ? undefined : tag - 1;
}

/**
 * Refuses a second acquire by the thread whose tag is in `cells[holder]`
 * (the kit's locks are not re-entrant). `operation` names the call, e.g. "Lock.acquire()".
 */
export function refuseReentry(cells: Int32Array, holder: number, operation: string): void {
  if (Atomics.load(cells, holder) === selfTag) {
    throw new Error(`${operation}: the lock is already held by this thread (thread ${threadOfTag(selfTag)}; not re-entrant)`);
  }
}

/** Refuses a release by any thread but the holder recorded in `cells[holder]`, naming who holds it. */
export function refuseReleaseByOther(cells: Int32Array, holder: number, lockName: string): void {
  const holderTag = Atomics.load(cells, holder);
  if (holderTag === selfTag) return;
  throw new Error(
    holderTag === 0
      ? `${lockName}.release(): the lock is not held`
      : `${lockName}.release(): the lock is held by thread ${threadOfTag(holderTag)}, not by this thread (${threadOfTag(selfTag)})`,
  );
}

/** Throws a RangeError naming `name` unless `value` is an integer >= `min`. */
export function requireInteger(value: unknown, name: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer >= ${min}, got ${describeValue(value)}`);
  }
  return value;
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object' && value !== null) {
    try {
      return JSON.stringify(value) ?? String(value);
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
  return String(value);
}
