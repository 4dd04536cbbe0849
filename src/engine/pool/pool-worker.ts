/**
 * One worker as the pool sees it: a worker thread or child process
 * (worker-handle.ts) plus the bookkeeping that travels with it.
 *
 * - `run(batch)` sends tasks in one message, with the source of every function
 *   this worker has not seen yet (afterwards a task names its function by number).
 * - The worker answers batches in the order they were sent, so the oldest batch
 *   in `batches` is the one running; its answer becomes `done(...)` with one
 *   result per task and how long the batch ran.
 * - A worker that dies by itself becomes `crashed(...)`, with the batches it never
 *   answered; a running batch that outlives `taskTimeout` becomes `timedOut(...)`.
 *   In both cases the batches are handed over: what to do with them is the
 *   pool's decision.
 * - It keeps the program alive only while it has work (an idle pool does not).
 */
import type { ResourceLimits } from 'node:worker_threads';
import { deserializeError, type DoneMessage, type FunctionDefinition, type RunMessage, type WorkerToPool } from './protocol.js';
import { rejectTask, type PendingTask } from './task.js';
import { startWorker, type WorkerHandle, type WorkerKind } from './worker-handle.js';

/** How one task ended. */
export type TaskResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: Error };

export interface PoolWorkerEvents {
  /** The oldest batch was answered: `results[i]` belongs to `batch[i]`; the batch ran for `ms`. */
  done(worker: PoolWorker, batch: PendingTask[], results: TaskResult[], ms: number): void;
  /** The worker died by itself; `unanswered` are its batches, the one it was running first. */
  crashed(worker: PoolWorker, reason: string, unanswered: PendingTask[][]): void;
  /** The running batch (one task, when there is a taskTimeout) ran too long; `waiting` were sent after it. */
  timedOut(worker: PoolWorker, running: PendingTask[], waiting: PendingTask[][]): void;
}

export interface PoolWorkerOptions {
  kind: WorkerKind;
  resourceLimits: ResourceLimits | undefined;
  taskTimeout: number | undefined;
}

export class PoolWorker {
  /** Batches sent and not yet answered, oldest (the running one) first. */
  batches: PendingTask[][] = [];
  readonly #handle: WorkerHandle;
  readonly #known = new Set<number>();
  #ready = false;
  #gone = false;
  /** When the running batch could start: the later of its sending and the previous answer (or the worker being ready). */
  #freeSince = 0;
  readonly #sentAt: number[] = [];
  #referenced = true;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: PoolWorkerOptions,
    private readonly events: PoolWorkerEvents,
  ) {
    this.#handle = startWorker(
      options.kind,
      { message: (message) => this.#onMessage(message), exit: (reason) => this.#onExit(reason) },
      options.resourceLimits,
    );
  }

  /** Whether it has nothing to do. */
  get idle(): boolean {
    return this.batches.length === 0;
  }

  /** Sends a batch of tasks; a task whose arguments cannot be copied fails at once. */
  run(batch: PendingTask[]): void {
    let definitions: FunctionDefinition[] | undefined;
    const functionIds: number[] = new Array(batch.length);
    const payloads: unknown[][] = new Array(batch.length);
    const chunked: boolean[] = new Array(batch.length);
    for (let i = 0; i < batch.length; i++) {
      const task = batch[i];
      if (!this.#known.has(task.fn.id)) {
        this.#known.add(task.fn.id);
        (definitions ??= []).push({ id: task.fn.id, source: task.fn.source });
      }
      functionIds[i] = task.fn.id;
      payloads[i] = task.payload;
      chunked[i] = task.chunked;
    }
    const message: RunMessage = definitions
      ? { type: 'run', definitions, functionIds, payloads, chunked }
      : { type: 'run', functionIds, payloads, chunked };
    try {
      this.#handle.send(message);
    } catch (error) {
      for (const definition of definitions ?? []) this.#known.delete(definition.id);
      for (const task of batch) {
        rejectTask(task, new TypeError(`${task.owner.describe(task.index)} cannot be sent to a worker: ${(error as Error).message}`));
      }
      return;
    }
    this.batches.push(batch);
    this.#sentAt.push(performance.now());
    this.#setReferenced(true);
    this.#armTimer();
  }

  /** Ends the worker now (the pool must have dealt with its batches); resolves once it is gone. */
  end(): Promise<void> {
    this.#gone = true;
    clearTimeout(this.#timer);
    this.batches = [];
    return this.#handle.end();
  }

  #onMessage(message: WorkerToPool): void {
    if (this.#gone) return; // ended by the pool: its news is stale
    if (message.type === 'ready') {
      this.#ready = true;
      this.#freeSince = performance.now();
      this.#armTimer();
    } else if (message.type === 'done') {
      this.#onDone(message);
    }
  }

  #onDone(message: DoneMessage): void {
    const batch = this.batches.shift();
    const sentAt = this.#sentAt.shift() ?? 0;
    if (!batch) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const now = performance.now();
    const ms = now - Math.max(sentAt, this.#freeSince);
    this.#freeSince = now;
    const { values, failed } = message;
    const results: TaskResult[] = new Array(batch.length);
    let nextFailure = 0;
    for (let i = 0; i < batch.length; i++) {
      if (failed !== undefined && failed[nextFailure] === i) {
        nextFailure++;
        results[i] = { ok: false, error: deserializeError(values[i] as Parameters<typeof deserializeError>[0]) };
      } else {
        results[i] = { ok: true, value: values[i] };
      }
    }
    if (this.batches.length === 0) this.#setReferenced(false);
    this.#armTimer();
    this.events.done(this, batch, results, ms);
  }

  #onExit(reason: string | undefined): void {
    if (this.#gone || reason === undefined) return; // the pool ended it and already dealt with its tasks
    this.#gone = true;
    clearTimeout(this.#timer);
    const unanswered = this.batches;
    this.batches = [];
    this.events.crashed(this, reason, unanswered);
  }

  /** Starts the clock for the running batch, once the worker is ready and has one. */
  #armTimer(): void {
    const timeout = this.options.taskTimeout;
    if (timeout === undefined || !this.#ready || this.#timer || this.batches.length === 0) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const [running, ...waiting] = this.batches;
      this.batches = [];
      this.events.timedOut(this, running, waiting);
    }, timeout);
  }

  #setReferenced(referenced: boolean): void {
    if (this.#referenced === referenced) return;
    this.#referenced = referenced;
    this.#handle.setReferenced(referenced);
  }
}
