/**
 * A worker pool with Python's `multiprocessing.Pool` API, for Node.js.
 *
 * ```ts
 * const pool = new Pool();                            // os.availableParallelism() workers
 * const squares = await pool.map((x: number) => x * x, [0, 1, 2, 3]);
 * const later = pool.applyAsync((a: number, b: number) => a + b, [2, 3]);
 * console.log(await later.get());                     // 5
 * pool.close();
 * await pool.join();
 * ```
 *
 * What differs from Python, and why:
 * - Results come back as promises (`await pool.map(...)`): the main thread must
 *   never block, it runs the event loop.
 * - A function is sent to the workers as source code, so it cannot use variables
 *   from around it (pass them as arguments, or use `{ module, export }`).
 * - The workers are threads by default (`kind: 'threads'`): unlike Python's
 *   threads, they run JavaScript truly in parallel. `kind: 'processes'` gives
 *   each worker its own process, as Python's Pool does.
 * - Back-pressure: with `maxTasksQueued`, a call that would queue more tasks
 *   than that waits (its submission pauses) until workers have taken some.
 *
 * The engine (queue, workers, dispatch, crashes, timeouts) is in scheduler.ts;
 * this file turns public calls into tasks and collects their results.
 */
import { availableParallelism } from 'node:os';
import type { ResourceLimits } from 'node:worker_threads';
import { assertCloneable } from '../engine/cloneable.js';
import { AsyncResult } from './async-result.js';
import { Call, type CallHandlers } from './call.js';
import { PoolAbortError, PoolClosedError } from './errors.js';
import { ResultStream } from './result-stream.js';
import { Scheduler } from './scheduler.js';
import { createTask } from './task.js';
import { FunctionRegistry, type FunctionEntry, type ModuleTask } from './task-function.js';
import {
  checkArray,
  checkCount,
  checkIterable,
  checkOneOf,
  checkOptions,
  checkPositiveInteger,
  checkSignal,
  checkTimeout,
} from '../engine/validate.js';
import { workerEntry, type WorkerKind } from './worker-handle.js';

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
}

export interface CallOptions {
  /** Cancels the call: its queued tasks are dropped and its running ones ended. */
  signal?: AbortSignal;
  /** The whole call must finish within this many ms, or it is cancelled and rejects with a TimeoutError. */
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

/** A function run in the workers, or a module export: `{ module: './tasks.js', export: 'square' }`. */
export type Task<A extends unknown[], R> = ((...args: A) => R) | ModuleTask;

const knownOptions = new Set(['size', 'kind', 'maxTasksQueued', 'retries', 'taskTimeout', 'resourceLimits']);

export class Pool {
  /** Number of workers. */
  readonly size: number;
  /** 'threads' or 'processes'. */
  readonly kind: WorkerKind;
  readonly #scheduler: Scheduler;
  readonly #functions = new FunctionRegistry();

  constructor(options: PoolOptions = {}) {
    const given = checkOptions(options, 'options');
    for (const key of Object.keys(given)) {
      if (!knownOptions.has(key)) {
        const hint = key === 'processes' ? ' (the number of workers is called size here)' : '';
        throw new TypeError(`unknown Pool option "${key}"${hint}; known options: ${[...knownOptions].join(', ')}`);
      }
    }
    this.size = checkPositiveInteger(given.size ?? availableParallelism(), 'size');
    this.kind = checkOneOf(given.kind ?? 'threads', 'kind', ['threads', 'processes'] as const);
    if (given.resourceLimits !== undefined && this.kind !== 'threads') {
      throw new TypeError("resourceLimits applies to kind 'threads' only");
    }
    workerEntry(); // fails now, with advice, if the kit was not built
    this.#scheduler = new Scheduler({
      size: this.size,
      kind: this.kind,
      maxTasksQueued: checkPositiveInteger(given.maxTasksQueued ?? Infinity, 'maxTasksQueued', true),
      retries: checkCount(given.retries ?? 2, 'retries'),
      taskTimeout: checkTimeout(given.taskTimeout, 'taskTimeout'),
      resourceLimits: given.resourceLimits,
    });
  }

  /** Tasks waiting for a worker right now. */
  get queued(): number {
    return this.#scheduler.queued;
  }

  /** Workers alive right now (started on demand, up to `size`). */
  get workers(): number {
    return this.#scheduler.workers;
  }

  /**
   * Calls `fn(item)` for every item, in parallel, and resolves to the results in
   * input order (Python: `pool.map(fn, items)`). Rejects with the first error.
   */
  async map<T, R>(fn: Task<[T], R>, items: Iterable<T>, options?: MapOptions): Promise<Awaited<R>[]> {
    return this.#startMap(fn, items, options, 'map') as Promise<Awaited<R>[]>;
  }

  /** Like `map`, but returns at once an AsyncResult to collect later (Python: `map_async`). */
  mapAsync<T, R>(fn: Task<[T], R>, items: Iterable<T>, options?: MapOptions): AsyncResult<Awaited<R>[]> {
    const work = this.#startMap(fn, items, options, 'mapAsync') as Promise<Awaited<R>[]>;
    return new AsyncResult(work, `mapAsync(${this.#functions.lookup(fn, 'fn').name})`);
  }

  /** Calls `fn(...args)` in a worker (Python: `pool.apply(fn, args)`). */
  async apply<A extends unknown[], R>(fn: Task<A, R>, args: A, options?: CallOptions): Promise<Awaited<R>> {
    return this.#startApply(fn, args, options, 'apply') as Promise<Awaited<R>>;
  }

  /** Like `apply`, but returns at once an AsyncResult (Python: `apply_async`). */
  applyAsync<A extends unknown[], R>(fn: Task<A, R>, args: A, options?: CallOptions): AsyncResult<Awaited<R>> {
    const work = this.#startApply(fn, args, options, 'applyAsync') as Promise<Awaited<R>>;
    return new AsyncResult(work, `applyAsync(${this.#functions.lookup(fn, 'fn').name})`);
  }

  /**
   * Results one by one, in input order, as an async iterator (Python: `imap`).
   * The tasks start at once, as in Python; `items` may be an async iterable (it
   * is read as the queue has room). The first failure is thrown by the loop;
   * breaking out of the loop early drops the tasks not yet started.
   */
  imap<T, R>(fn: Task<[T], R>, items: Iterable<T> | AsyncIterable<T>, options?: IterateOptions): AsyncGenerator<Awaited<R>> {
    return this.#startIterate(fn, items, options, true) as AsyncGenerator<Awaited<R>>;
  }

  /** Like `imap`, but yields each result as soon as it is ready (Python: `imap_unordered`). */
  imapUnordered<T, R>(fn: Task<[T], R>, items: Iterable<T> | AsyncIterable<T>, options?: IterateOptions): AsyncGenerator<Awaited<R>> {
    return this.#startIterate(fn, items, options, false) as AsyncGenerator<Awaited<R>>;
  }

  /** Accepts no more calls; workers end once the work already accepted is done (Python: `close`). */
  close(): void {
    this.#scheduler.close();
  }

  /** Waits until, after `close()` or `terminate()`, every worker has ended (Python: `join`). */
  async join(): Promise<void> {
    if (this.#scheduler.state === 'open') {
      throw new Error('join() waits for the workers to end, which they only do after close() or terminate(): call one first');
    }
    await this.#scheduler.join();
  }

  /** Ends every worker now; unfinished tasks reject with PoolTerminatedError (Python: `terminate`). */
  async terminate(): Promise<void> {
    await this.#scheduler.terminate();
  }

  /** `await using pool = new Pool()` terminates the pool at the end of the block, as Python's `with Pool()` does. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.terminate();
  }

  // ---- turning calls into tasks ---------------------------------------------

  #assertOpen(method: string): void {
    if (this.#scheduler.state !== 'open') {
      throw new PoolClosedError(
        `${method}() cannot be used: the pool was ${this.#scheduler.state === 'closed' ? 'closed' : 'terminated'}. Create a new Pool.`,
      );
    }
  }

  /** Checks the arguments of map/mapAsync (throwing at once), then starts the work. */
  #startMap(fn: unknown, items: unknown, options: MapOptions | undefined, method: string): Promise<unknown[]> {
    this.#assertOpen(method);
    const entry = this.#functions.lookup(fn, 'fn');
    const list = Array.from(checkIterable(items, 'items'));
    const { chunksize, signal, timeout } = checkMapOptions(options);
    list.forEach((item, index) => assertData(item, `items[${index}]`));
    const name = `${method}(${entry.name})`;
    const tasks = chunkTasks(list, chunksize);
    return new Promise((resolve, reject) => {
      const results: unknown[] = new Array(list.length);
      let remaining = tasks.length;
      const handlers: CallHandlers = {
        onResult: (index, value) => {
          if (chunksize === 1) results[index] = value;
          else (value as unknown[]).forEach((result, offset) => (results[index * chunksize + offset] = result));
          if (--remaining === 0) {
            call.release();
            resolve(results);
          }
        },
        onFailure: reject,
      };
      const call = new Call(this.#scheduler, name, (index) => describeChunk(name, index, chunksize, list.length), handlers, {
        signal,
        timeout,
      });
      if (tasks.length === 0) {
        call.release();
        resolve(results);
        return;
      }
      void this.#submit(call, entry, tasks, chunksize > 1);
    });
  }

  /** Checks the arguments of apply/applyAsync, then starts the work. */
  #startApply(fn: unknown, args: unknown, options: CallOptions | undefined, method: string): Promise<unknown> {
    this.#assertOpen(method);
    const entry = this.#functions.lookup(fn, 'fn');
    const argumentList = checkArray(args, 'args');
    argumentList.forEach((arg, index) => assertData(arg, `args[${index}]`));
    const { signal, timeout } = checkCallOptions(options);
    const name = `${method}(${entry.name})`;
    return new Promise((resolve, reject) => {
      const call: Call = new Call(
        this.#scheduler,
        name,
        () => name,
        { onResult: (_, value) => (call.release(), resolve(value)), onFailure: reject },
        { signal, timeout },
      );
      if (call.cancelled) return;
      try {
        this.#scheduler.enqueue(createTask(call, entry, 0, argumentList, false))?.catch((error: unknown) => call.abandon(error, false));
      } catch (error) {
        call.abandon(error, false);
      }
    });
  }

  /**
   * Queues the tasks of a call one by one, waiting whenever the queue is full.
   * Resolves to the number of tasks queued.
   */
  async #submit(
    call: Call,
    entry: FunctionEntry,
    payloads: Iterable<unknown[]> | AsyncIterable<unknown[]>,
    chunked: boolean,
  ): Promise<number> {
    let index = 0;
    this.#scheduler.beginSubmitting();
    try {
      if (Symbol.iterator in payloads) {
        // A plain loop for arrays: no await per item unless the queue is full.
        for (const payload of payloads) {
          if (call.cancelled) break;
          const waiting = this.#scheduler.enqueue(createTask(call, entry, index++, payload, chunked));
          if (waiting) await waiting;
        }
      } else {
        for await (const payload of payloads) {
          if (call.cancelled) break;
          const waiting = this.#scheduler.enqueue(createTask(call, entry, index++, payload, chunked));
          if (waiting) await waiting;
        }
      }
    } catch (error) {
      call.abandon(error, false);
    } finally {
      this.#scheduler.endSubmitting();
    }
    return index;
  }

  /** Checks the arguments of imap/imapUnordered, starts the work at once (as Python does), returns the reader. */
  #startIterate(
    fn: unknown,
    items: unknown,
    options: IterateOptions | undefined,
    ordered: boolean,
  ): AsyncGenerator<unknown, void, undefined> {
    const method = ordered ? 'imap' : 'imapUnordered';
    this.#assertOpen(method);
    const entry = this.#functions.lookup(fn, 'fn');
    const source = checkItemSource(items);
    const given = checkOptions(options, 'options');
    const chunksize = checkPositiveInteger(given.chunksize ?? 1, 'chunksize');
    const signal = checkSignal(given.signal, 'signal');
    const name = `${method}(${entry.name})`;
    const stream = new ResultStream(ordered, chunksize > 1);
    const call = new Call(this.#scheduler, name, (index) => describeChunk(name, index, chunksize), stream.handlers, {
      signal,
    });
    void this.#submit(call, entry, checkedChunks(source, chunksize), chunksize > 1).then((count) => stream.submitted(count));
    return readUntilDone(stream, call, name);
  }
}

/** Hands out a stream's results; leaving the loop early drops the call's remaining tasks. */
async function* readUntilDone(stream: ResultStream, call: Call, name: string): AsyncGenerator<unknown, void, undefined> {
  let finished = false;
  try {
    yield* stream.read();
    finished = true;
  } finally {
    if (!finished) call.abandon(new PoolAbortError(`${name}: the iteration stopped before the end`), false);
    call.release();
  }
}

// ---- helpers ------------------------------------------------------------------

function checkCallOptions(options: CallOptions | undefined): CallOptions {
  const given = checkOptions(options, 'options');
  return { signal: checkSignal(given.signal, 'signal'), timeout: checkTimeout(given.timeout, 'timeout') };
}

function checkMapOptions(options: MapOptions | undefined): Required<Pick<MapOptions, 'chunksize'>> & CallOptions {
  const given = checkOptions(options, 'options');
  return { ...checkCallOptions(options), chunksize: checkPositiveInteger(given.chunksize ?? 1, 'chunksize') };
}

function checkItemSource(items: unknown): Iterable<unknown> | AsyncIterable<unknown> {
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

/** Payloads for map: one item each, or chunks of `chunksize` items. */
function chunkTasks(items: unknown[], chunksize: number): unknown[][] {
  if (chunksize === 1) return items.map((item) => [item]);
  const chunks: unknown[][] = [];
  for (let start = 0; start < items.length; start += chunksize) chunks.push(items.slice(start, start + chunksize));
  return chunks;
}

/** Payloads for imap, pulled lazily (the source may be async), each item checked. */
async function* checkedChunks(items: Iterable<unknown> | AsyncIterable<unknown>, chunksize: number): AsyncGenerator<unknown[]> {
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

function describeChunk(name: string, index: number, chunksize: number, total?: number): string {
  if (chunksize === 1) return `item ${index} of ${name}`;
  const first = index * chunksize;
  const last = Math.min(first + chunksize, total ?? Infinity) - 1;
  return `items ${first}..${Number.isFinite(last) ? last : '?'} of ${name}`;
}
