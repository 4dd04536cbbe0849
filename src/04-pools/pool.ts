/**
 * Unit 04: a pool of workers, with Python's `multiprocessing.Pool` API.
 *
 *   const pool = new Pool();                                          // one worker per core
 *   console.log(await pool.map((x: number) => x * x, [0, 1, 2, 3])); // [ 0, 1, 4, 9 ]
 *   pool.close();
 *   await pool.join();
 *
 * A pool is four things, and this file is those four things:
 * 1. A queue of tasks: every call (map, apply, imap...) becomes tasks in one FIFO queue.
 * 2. Workers: up to `size` threads (or processes), started when work arrives; each runs
 *    one task at a time, and an idle one gets the next task.
 * 3. Results: each task's result, or error, goes back to its call. A worker that crashes
 *    is replaced and its task retried (`retries`); one past `taskTimeout` is replaced.
 * 4. An end: `close()` takes no more calls, `join()` waits for the work and the workers
 *    to end, `terminate()` ends everything now.
 *
 * Unlike Python, results are promises, and a function travels as source text (it cannot
 * use variables from around it). The machinery is in src/engine/pool/. One idea there is
 * worth knowing: for tiny tasks the message costs more than the task, so by default tasks
 * go in batches sized from measured task times (dispatch.ts, 'batched'); 'one-at-a-time'
 * is the plain rule, and the notebook measures both.
 */
import { AsyncResult } from './async-result.js';
import type { ModuleTarget } from '../engine/module-loader.js';
import { checkPoolOptions, type CallOptions, type IterateOptions, type MapOptions, type PoolOptions } from '../engine/pool/arguments.js';
import { startApply, startIterate, startMap, type CallSite } from '../engine/pool/calls.js';
import { batched, oneAtATime, type DispatchPolicy } from '../engine/pool/dispatch.js';
import { PoolClosedError, PoolTerminatedError, TaskTimeoutError, WorkerCrashError } from '../engine/pool/errors.js';
import { FunctionRegistry } from '../engine/pool/functions.js';
import { PoolWorker, type PoolWorkerEvents, type PoolWorkerOptions } from '../engine/pool/pool-worker.js';
import { rejectTask, resolveTask, type PendingTask, type TaskOwner } from '../engine/pool/task.js';
import { TaskQueue } from '../engine/pool/task-queue.js';
import { workerEntry, type WorkerKind } from '../engine/pool/worker-handle.js';

export type { CallOptions, IterateOptions, MapOptions, PoolOptions };

/** A function run in the workers, or a module's export: `{ module: './tasks.js', export: 'square' }`. */
export type Task<A extends unknown[], R> = ((...args: A) => R) | ModuleTarget;

export class Pool {
  /** Number of workers. */
  readonly size: number;
  /** 'threads' or 'processes'. */
  readonly kind: WorkerKind;
  readonly #queue: TaskQueue<PendingTask>;
  #workers: PoolWorker[] = [];
  readonly #workerOptions: PoolWorkerOptions;
  readonly #retries: number;
  readonly #dispatchPolicy: DispatchPolicy;
  readonly #functions = new FunctionRegistry();
  #state: 'open' | 'closed' | 'terminated' = 'open';
  #submitting = 0; // calls still putting tasks in the queue
  #dispatchPending = false;
  readonly #stopping = new Set<Promise<void>>(); // workers being ended
  #ending = false;
  #markEnded!: () => void;
  readonly #ended = new Promise<void>((resolve) => (this.#markEnded = resolve));

  constructor(options: PoolOptions = {}) {
    const checked = checkPoolOptions(options);
    this.size = checked.size;
    this.kind = checked.kind;
    this.#queue = new TaskQueue(checked.maxTasksQueued);
    this.#retries = checked.retries;
    this.#workerOptions = { kind: checked.kind, resourceLimits: checked.resourceLimits, taskTimeout: checked.taskTimeout };
    // A deadline per task needs tasks sent one by one: a batch would share one clock.
    const plain = checked.dispatch === 'one-at-a-time' || checked.taskTimeout !== undefined;
    this.#dispatchPolicy = plain ? oneAtATime : batched();
    workerEntry(); // fails now, with advice, if the kit was not built
  }

  /** Tasks waiting for a worker right now. */
  get queued(): number {
    return this.#queue.length + this.#queue.waiting;
  }
  /** Workers alive right now (started on demand, up to `size`). */
  get workers(): number {
    return this.#workers.length;
  }

  // ---- the calls: Python's names, each one a few tasks in the queue -------------

  /** `fn(item)` for every item, in parallel: the results in input order; rejects with the first error. */
  async map<T, R>(fn: Task<[T], R>, items: Iterable<T>, options?: MapOptions): Promise<Awaited<R>[]> {
    return startMap(this.#site, 'map', fn, items, options) as Promise<Awaited<R>[]>;
  }

  /** Like `map`, but returns at once an AsyncResult to collect later (Python: `map_async`). */
  mapAsync<T, R>(fn: Task<[T], R>, items: Iterable<T>, options?: MapOptions): AsyncResult<Awaited<R>[]> {
    const work = startMap(this.#site, 'mapAsync', fn, items, options) as Promise<Awaited<R>[]>;
    return new AsyncResult(work, `mapAsync(${this.#functions.lookup(fn, 'fn').name})`);
  }

  /** `fn(...args)` in a worker (Python: `pool.apply(fn, args)`). */
  async apply<A extends unknown[], R>(fn: Task<A, R>, args: A, options?: CallOptions): Promise<Awaited<R>> {
    return startApply(this.#site, 'apply', fn, args, options) as Promise<Awaited<R>>;
  }

  /** Like `apply`, but returns at once an AsyncResult (Python: `apply_async`). */
  applyAsync<A extends unknown[], R>(fn: Task<A, R>, args: A, options?: CallOptions): AsyncResult<Awaited<R>> {
    const work = startApply(this.#site, 'applyAsync', fn, args, options) as Promise<Awaited<R>>;
    return new AsyncResult(work, `applyAsync(${this.#functions.lookup(fn, 'fn').name})`);
  }

  /** Results in input order, for `for await` (Python: `imap`); leaving the loop drops tasks not yet started. */
  imap<T, R>(fn: Task<[T], R>, items: Iterable<T> | AsyncIterable<T>, options?: IterateOptions): AsyncGenerator<Awaited<R>> {
    return startIterate(this.#site, 'imap', fn, items, options) as AsyncGenerator<Awaited<R>>;
  }

  /** Like `imap`, but yields each result as soon as it is ready (Python: `imap_unordered`). */
  imapUnordered<T, R>(fn: Task<[T], R>, items: Iterable<T> | AsyncIterable<T>, options?: IterateOptions): AsyncGenerator<Awaited<R>> {
    return startIterate(this.#site, 'imapUnordered', fn, items, options) as AsyncGenerator<Awaited<R>>;
  }

  /** What a call needs from the pool (engine/pool/calls.ts turns calls into tasks). */
  readonly #site: CallSite = {
    accept: (method, fn) => {
      if (this.#state !== 'open') throw new PoolClosedError(`${method}() cannot be used: the pool was ${this.#state}. Create a new Pool.`);
      return this.#functions.lookup(fn, 'fn');
    },
    enqueue: (task) => this.#enqueue(task),
    cancel: (owner, error, endRunning) => this.#cancel(owner, error, endRunning),
    submitting: (change) => {
      this.#submitting += change;
      this.#endIfFinished();
    },
  };

  // ---- 1. the queue ----------------------------------------------------------------

  /** Queues one task; when the queue is full, returns a promise that resolves once the task is in. */
  #enqueue(task: PendingTask): Promise<void> | undefined {
    if (this.#state === 'terminated') throw new PoolTerminatedError('the pool was terminated');
    const waiting = this.#queue.enqueue(task);
    this.#dispatchSoon();
    return waiting;
  }

  /** Dispatches a microtask later, so a loop of apply calls makes one burst. */
  #dispatchSoon(): void {
    if (this.#dispatchPending) return;
    this.#dispatchPending = true;
    queueMicrotask(() => this.#dispatch());
  }

  #requeueFirst(tasks: PendingTask[]): void {
    for (let i = tasks.length - 1; i >= 0; i--) if (!tasks[i].settled) this.#queue.unshift(tasks[i]);
  }

  // ---- 2. the workers --------------------------------------------------------------

  /** Gives queued tasks to workers: an idle one, else a new one (up to `size`), else one the policy sends ahead. */
  #dispatch(): void {
    this.#dispatchPending = false;
    while (this.#state !== 'terminated' && this.#queue.length > 0) {
      const next = this.#queue.peek() as PendingTask;
      const worker =
        this.#workers.find((candidate) => candidate.idle) ??
        this.#startWorker() ??
        this.#dispatchPolicy.workerToSendAhead(this.#workers, next);
      if (!worker) break;
      const batch = this.#dispatchPolicy.takeBatch(this.#queue, this.size);
      if (batch.length > 0) worker.run(batch);
    }
    this.#endIfFinished();
  }

  #startWorker(): PoolWorker | undefined {
    if (this.#workers.length >= this.size) return undefined;
    try {
      this.#workers.push(new PoolWorker(this.#workerOptions, this.#workerEvents));
      return this.#workers.at(-1);
    } catch (error) {
      // No worker could start (dist/ missing?): with none alive, nothing queued can ever run.
      if (this.#workers.length === 0) for (const task of this.#queue.clear(error)) rejectTask(task, error);
    }
  }

  /** Ends a worker whose tasks the pool has dealt with. */
  #stop(worker: PoolWorker): void {
    this.#workers = this.#workers.filter((other) => other !== worker);
    const stopped = worker.end();
    this.#stopping.add(stopped);
    void stopped.finally(() => this.#stopping.delete(stopped));
  }

  // ---- 3. results, and what goes wrong -----------------------------------------------

  readonly #workerEvents: PoolWorkerEvents = {
    done: (_worker, batch, results, ms) => {
      this.#dispatchPolicy.learn(batch, ms);
      for (let i = 0; i < batch.length; i++) {
        const result = results[i];
        if (result.ok) resolveTask(batch[i], result.value);
        else rejectTask(batch[i], result.error); // the task threw: the caller gets the worker's error
      }
      this.#dispatch();
    },
    crashed: (worker, reason, [running = [], ...waiting]) => {
      this.#workers = this.#workers.filter((other) => other !== worker);
      for (const task of running) {
        task.attempts++;
        task.alone = true; // retried by itself: a crashed batch's culprit then shows itself
        if (running.length === 1 && task.attempts > this.#retries) {
          rejectTask(task, new WorkerCrashError(task.owner.describe(task.index), task.attempts, reason));
        }
      }
      this.#requeueFirst([...running, ...waiting.flat()]);
      this.#dispatch();
    },
    timedOut: (worker, running, waiting) => {
      const timeout = this.#workerOptions.taskTimeout as number;
      for (const task of running) rejectTask(task, new TaskTimeoutError(task.owner.describe(task.index), timeout));
      this.#requeueFirst(waiting.flat());
      this.#stop(worker);
      this.#dispatch();
    },
  };

  /** A call gives up (its error, abort or deadline): drop its queued tasks; with `endRunning`, end its running ones. */
  #cancel(owner: TaskOwner, error: unknown, endRunning: boolean): void {
    for (const task of this.#queue.removeWhere((queued) => queued.owner === owner)) rejectTask(task, error);
    for (const worker of [...this.#workers]) {
      const sent = worker.batches.flat();
      const running = worker.batches[0]?.some((task) => task.owner === owner && !task.settled) ?? false;
      for (const task of sent) if (task.owner === owner) rejectTask(task, error);
      if (running && endRunning) {
        this.#requeueFirst(sent);
        this.#stop(worker);
      }
    }
    this.#dispatchSoon();
  }

  // ---- 4. the end ------------------------------------------------------------------

  /** Accepts no more calls; workers end once the work already accepted is done (Python: `close`). */
  close(): void {
    if (this.#state === 'open') this.#state = 'closed';
    this.#endIfFinished();
  }

  /** Waits until, after `close()` or `terminate()`, every worker has ended (Python: `join`). */
  async join(): Promise<void> {
    if (this.#state === 'open') {
      throw new Error('join() waits for the workers to end, which they only do after close() or terminate(): call one first');
    }
    await this.#ended;
  }

  /** Ends every worker now; unfinished tasks reject with PoolTerminatedError (Python: `terminate`). */
  async terminate(): Promise<void> {
    if (this.#state !== 'terminated') {
      this.#state = 'terminated';
      const ended = (task: PendingTask) =>
        rejectTask(task, new PoolTerminatedError(`${task.owner.describe(task.index)} did not finish: the pool was terminated`));
      this.#queue.clear(new PoolTerminatedError('the pool was terminated while this call waited for room in the queue')).forEach(ended);
      for (const worker of [...this.#workers]) {
        worker.batches.flat().forEach(ended);
        this.#stop(worker);
      }
      void this.#whenStopped();
    }
    await this.#ended;
  }

  /** `await using pool = new Pool()` terminates the pool at the end of the block, as Python's `with Pool()` does. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.terminate();
  }

  /** After close(): once nothing is queued, running or being submitted, end the workers. */
  #endIfFinished(): void {
    if (this.#state !== 'closed' || this.#ending || this.#submitting > 0 || this.queued > 0) return;
    if (this.#workers.some((worker) => !worker.idle)) return;
    for (const worker of [...this.#workers]) this.#stop(worker);
    void this.#whenStopped();
  }

  async #whenStopped(): Promise<void> {
    this.#ending = true;
    while (this.#stopping.size > 0) await Promise.all([...this.#stopping]);
    this.#markEnded();
  }
}
