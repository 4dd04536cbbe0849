/**
 * The checks a pool makes before it accepts a call, so a mistake is reported at
 * once and by name (`items[2].callback cannot be sent to a worker: it is a
 * function`), and the helpers that cut a call into tasks.
 */
import { availableParallelism } from 'node:os';
import type { ResourceLimits } from 'node:worker_threads';
import { assertCloneable } from '../cloneable.js';
import {
  checkArray,
  checkCount,
  checkIterable,
  checkOneOf,
  checkOptions,
  checkPositiveInteger,
  checkSignal,
  checkTimeout,
} from '../validate.js';
import type { WorkerKind } from './worker-handle.js';

export interface PoolOptions {
  /** Number of workers (default: `os.availableParallelism()`). Python: `processes`. */
  size?: number;
  /** Worker threads (default) or child processes. */
  kind?: WorkerKind;
  /** Most tasks waiting in the queue; beyond it, submitting waits (default: Infinity). */
  maxTasksQueued?: number;
  /** Times a task is retried when its worker crashes while running it (default: 2). */
  retries?: number;
  /** Longest a single task may run, in ms; its worker is then ended and replaced (default: none). */
  taskTimeout?: number;
  /** Memory limits for each worker thread (kind 'threads' only), e.g. `{ maxOldGenerationSizeMb: 64 }`. */
  resourceLimits?: ResourceLimits;
  /** How tasks travel to workers: 'batched' (default, the fast path) or 'one-at-a-time' (see engine/pool/dispatch.ts). */
  dispatch?: 'batched' | 'one-at-a-time';
}

export interface CallOptions {
  /** Cancels the call: its queued tasks are dropped and its running ones ended. */
  signal?: AbortSignal;
  /** The whole call must finish within this many ms, or it is canceled and rejects with a TimeoutError. */
  timeout?: number;
}

export interface MapOptions extends CallOptions {
  /** Items sent to a worker per task (default 1). Bigger chunks: fewer messages, coarser balancing. */
  chunksize?: number;
}

export interface IterateOptions {
  /** Items sent to a worker per task (default 1). */
  chunksize?: number;
  /** Cancels the iteration (it throws an AbortError). */
  signal?: AbortSignal;
}

const knownOptions = ['size', 'kind', 'maxTasksQueued', 'retries', 'taskTimeout', 'resourceLimits', 'dispatch'];

export function checkPoolOptions(
  options: PoolOptions | undefined,
): Required<Omit<PoolOptions, 'taskTimeout' | 'resourceLimits'>> & PoolOptions {
  const given = checkOptions(options, 'options');
  for (const key of Object.keys(given)) {
    if (!knownOptions.includes(key)) {
      const hint = key === 'processes' ? ' (the number of workers is called size here)' : '';
      throw new TypeError(`unknown Pool option "${key}"${hint}; known options: ${knownOptions.join(', ')}`);
    }
  }
  const kind = checkOneOf(given.kind ?? 'threads', 'kind', ['threads', 'processes'] as const);
  if (given.resourceLimits !== undefined && kind !== 'threads') throw new TypeError("resourceLimits applies to kind 'threads' only");
  return {
    size: checkPositiveInteger(given.size ?? availableParallelism(), 'size'),
    kind,
    maxTasksQueued: checkPositiveInteger(given.maxTasksQueued ?? Infinity, 'maxTasksQueued', true),
    retries: checkCount(given.retries ?? 2, 'retries'),
    taskTimeout: checkTimeout(given.taskTimeout, 'taskTimeout'),
    resourceLimits: given.resourceLimits,
    dispatch: checkOneOf(given.dispatch ?? 'batched', 'dispatch', ['batched', 'one-at-a-time'] as const),
  };
}

export function checkCallOptions(options: CallOptions | undefined): CallOptions {
  const given = checkOptions(options, 'options');
  return { signal: checkSignal(given.signal, 'signal'), timeout: checkTimeout(given.timeout, 'timeout') };
}

export function checkMapOptions(options: MapOptions | undefined): CallOptions & { chunksize: number } {
  const given = checkOptions(options, 'options');
  return { ...checkCallOptions(options), chunksize: checkPositiveInteger(given.chunksize ?? 1, 'chunksize') };
}

export function checkIterateOptions(options: IterateOptions | undefined): { signal?: AbortSignal; chunksize: number } {
  const given = checkOptions(options, 'options');
  return { signal: checkSignal(given.signal, 'signal'), chunksize: checkPositiveInteger(given.chunksize ?? 1, 'chunksize') };
}

/** `args` of apply: an array whose every element can be copied to a worker. */
export function checkArguments(args: unknown): unknown[] {
  const list = checkArray(args, 'args');
  list.forEach((arg, index) => assertData(arg, `args[${index}]`));
  return list;
}

/** `items` of map: an iterable whose every element can be copied to a worker, as an array. */
export function checkItems(items: unknown): unknown[] {
  const list = Array.from(checkIterable(items, 'items'));
  list.forEach((item, index) => assertData(item, `items[${index}]`));
  return list;
}

/** `items` of imap: an iterable or an async iterable (its elements are checked as they are read). */
export function checkItemSource(items: unknown): Iterable<unknown> | AsyncIterable<unknown> {
  if (items !== null && typeof (items as AsyncIterable<unknown>)?.[Symbol.asyncIterator] === 'function') {
    return items as AsyncIterable<unknown>;
  }
  return checkIterable(items, 'items');
}

/** Numbers, strings and the like pass at once; objects are checked for what cannot be copied. */
function assertData(value: unknown, name: string): void {
  if ((typeof value === 'object' && value !== null) || typeof value === 'function' || typeof value === 'symbol') {
    assertCloneable(value, name);
  }
}

/** The payloads of map's tasks: one item each, or chunks of `chunksize` items. */
export function chunkTasks(items: unknown[], chunksize: number): unknown[][] {
  if (chunksize === 1) return items.map((item) => [item]);
  const chunks: unknown[][] = [];
  for (let start = 0; start < items.length; start += chunksize) chunks.push(items.slice(start, start + chunksize));
  return chunks;
}

/** The payloads of imap's tasks, pulled lazily (the source may be async), each item checked. */
export async function* checkedChunks(items: Iterable<unknown> | AsyncIterable<unknown>, chunksize: number): AsyncGenerator<unknown[]> {
  let chunk: unknown[] = [];
  let index = 0;
  for await (const item of items) {
    assertData(item, `items[${index++}]`);
    chunk.push(item);
    if (chunk.length === chunksize) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

/** Names task `index` of a call in messages: "item 3 of map(square)" or "items 8..11 of map(square)". */
export function describeChunk(name: string, index: number, chunksize: number, total?: number): string {
  if (chunksize === 1) return `item ${index} of ${name}`;
  const first = index * chunksize;
  const last = Math.min(first + chunksize, total ?? Infinity) - 1;
  return `items ${first}..${Number.isFinite(last) ? last : '?'} of ${name}`;
}
