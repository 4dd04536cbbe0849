/**
 * The engine under `Pool`: a queue of tasks, a set of workers, and the rules
 * that move tasks from one to the other and survive what goes wrong.
 *
 * - Dispatch: an idle worker (or a new one, up to `size`) gets a batch of
 *   tasks. The scheduler measures how long a task of each function takes, and
 *   sizes batches from that: tiny tasks travel hundreds per message (the
 *   message, not the task, is what costs), long ones one by one (so no worker
 *   idles while another still has a backlog). A batch is also at most a
 *   quarter of each worker's fair share of the queue. Workers running tiny tasks
 *   get one more batch in advance, so they never wait for the next message.
 * - Crash: when a worker dies, its unfinished tasks go back to the front of the
 *   queue and a new worker takes its place. If the crashed batch had one task,
 *   that task was the culprit: it counts an attempt, and after `retries` retries
 *   it fails. If it had several, each counts an attempt and is retried *alone*,
 *   which tells the culprit apart from the innocent tasks next to it.
 * - Timeout: with `taskTimeout`, tasks are sent one at a time, and a task that
 *   runs too long fails; its worker is ended and replaced.
 * - Idle workers do not keep the program alive (they are unref'd), and after
 *   `close()` they are ended as soon as the last task is done.
 */
import type { ResourceLimits } from 'node:worker_threads';
import { PoolTerminatedError, TaskTimeoutError, WorkerCrashError } from './errors.js';
import type { DoneMessage, FunctionDefinition, RunMessage, WorkerToPool } from './protocol.js';
import { deserializeError } from './protocol.js';
import { rejectTask, resolveTask, type PendingTask, type TaskOwner } from './task.js';
import { TaskQueue } from './task-queue.js';
import { startWorker, type WorkerHandle, type WorkerKind } from './worker-handle.js';

export interface SchedulerOptions {
  size: number;
  kind: WorkerKind;
  retries: number;
  taskTimeout: number | undefined;
  maxTasksQueued: number;
  resourceLimits: ResourceLimits | undefined;
}

/** Batches sent to a worker ahead of its results (1 running + 1 waiting), for tasks shorter than PIPELINE_BELOW_MS. */
const BATCHES_IN_FLIGHT = 2;
const PIPELINE_BELOW_MS = 1;
/** How long a batch should take to run, at most (when task times are known). */
const TARGET_BATCH_MS = 4;
/** Most tasks in one message. */
const MAX_BATCH = 512;
/** Weight of the newest measurement in a function's mean task time. */
const SMOOTHING = 0.3;

interface Batch {
  readonly tasks: PendingTask[];
  /** performance.now() when it was sent. */
  readonly sentAt: number;
}

interface Slot {
  handle: WorkerHandle;
  /** Batches sent and not yet answered, oldest (the running one) first. */
  batches: Batch[];
  /** Function ids this worker already has. */
  known: Set<number>;
  ready: boolean;
  /** When the worker last became free to start a batch (ready, or done with the previous one). */
  freeSince: number;
  referenced: boolean;
  timer: NodeJS.Timeout | undefined;
}

export type PoolState = 'open' | 'closed' | 'terminated';

export class Scheduler {
  state: PoolState = 'open';
  private readonly queue: TaskQueue<PendingTask>;
  private slots: Slot[] = [];
  private readonly endings = new Set<Promise<void>>();
  private dispatchScheduled = false;
  private submitters = 0;
  private finished = false;
  private readonly whenFinished: Promise<void>;
  private markFinished!: () => void;

  constructor(private readonly options: SchedulerOptions) {
    this.queue = new TaskQueue(options.maxTasksQueued);
    this.whenFinished = new Promise((resolve) => (this.markFinished = resolve));
  }

  /** Tasks waiting for a worker. */
  get queued(): number {
    return this.queue.length + this.queue.waiting;
  }

  /** Workers alive right now. */
  get workers(): number {
    return this.slots.length;
  }

  /**
   * Queues a task. Returns a promise when the queue is full (back-pressure):
   * it resolves once the task is in. Throws after terminate().
   */
  enqueue(task: PendingTask): Promise<void> | undefined {
    if (this.state === 'terminated') throw new PoolTerminatedError('the pool was terminated');
    const waiting = this.queue.enqueue(task);
    this.scheduleDispatch();
    return waiting;
  }

  /** Brackets a call that is still adding tasks, so close() waits for it. */
  beginSubmitting(): void {
    this.submitters++;
  }

  endSubmitting(): void {
    this.submitters--;
    this.finishIfDone();
  }

  /**
   * Drops `owner`'s queued tasks, rejecting them with `error`. With
   * `endRunning`, workers running one of its tasks are ended and replaced (their
   * other tasks go back to the queue).
   */
  cancel(owner: TaskOwner, error: unknown, endRunning: boolean): void {
    for (const task of this.queue.removeWhere((t) => t.owner === owner)) rejectTask(task, error);
    for (const slot of [...this.slots]) {
      const tasks = slot.batches.flatMap((batch) => batch.tasks);
      if (!tasks.some((t) => t.owner === owner && !t.settled)) continue;
      const running = slot.batches[0].tasks.some((t) => t.owner === owner && !t.settled);
      for (const task of tasks) if (task.owner === owner) rejectTask(task, error);
      if (running && endRunning) {
        slot.batches = [];
        this.requeueFront(tasks);
        this.endSlot(slot);
      }
    }
    this.scheduleDispatch();
  }

  /** No new calls; workers end once the queue is empty. */
  close(): void {
    if (this.state !== 'open') return;
    this.state = 'closed';
    this.finishIfDone();
  }

  /** Resolves once, after close(), every task is done and every worker has ended. */
  join(): Promise<void> {
    return this.whenFinished;
  }

  /** Ends every worker now; unfinished tasks reject with PoolTerminatedError. */
  async terminate(): Promise<void> {
    if (this.state !== 'terminated') {
      this.state = 'terminated';
      const error = (task: PendingTask) =>
        new PoolTerminatedError(`${task.owner.describe(task.index)} did not finish: the pool was terminated`);
      const queued = this.queue.clear(new PoolTerminatedError('the pool was terminated while this call waited for room in the queue'));
      for (const task of queued) rejectTask(task, error(task));
      for (const slot of [...this.slots]) {
        for (const batch of slot.batches) for (const task of batch.tasks) rejectTask(task, error(task));
        slot.batches = [];
        this.endSlot(slot);
      }
      void this.finishWhenEnded();
    }
    await this.whenFinished;
  }

  // ---- dispatch -------------------------------------------------------------

  private scheduleDispatch(): void {
    if (this.dispatchScheduled) return;
    this.dispatchScheduled = true;
    // A microtask later, so a burst of submissions (a loop of apply calls) is batched.
    queueMicrotask(() => this.dispatch());
  }

  private dispatch(): void {
    this.dispatchScheduled = false;
    if (this.state === 'terminated') return;
    while (this.queue.length > 0) {
      const slot = this.slotWithRoom();
      if (!slot) break;
      const batch = this.takeBatch();
      if (batch.length > 0) this.send(slot, batch);
    }
    this.finishIfDone();
  }

  /** An idle worker, else a new one, else (for tiny tasks) a busy worker with room for a batch in advance. */
  private slotWithRoom(): Slot | undefined {
    const mean = this.queue.peek()?.fn.meanTaskMs;
    const pipeline = mean !== undefined && mean < PIPELINE_BELOW_MS;
    let best: Slot | undefined;
    for (const slot of this.slots) {
      if (slot.batches.length === 0) return slot;
      if (pipeline && slot.batches.length < BATCHES_IN_FLIGHT && (!best || slot.batches.length < best.batches.length)) {
        best = slot;
      }
    }
    if (this.slots.length < this.options.size) {
      try {
        return this.spawn();
      } catch (error) {
        // No worker could start (e.g. dist/ is missing): with none alive, nothing queued can ever run.
        if (this.slots.length === 0) {
          for (const task of this.queue.clear(error)) rejectTask(task, error);
        }
      }
    }
    return best;
  }

  private takeBatch(): PendingTask[] {
    const fairShare = Math.ceil(this.queue.length / (this.options.size * 4));
    const mean = this.queue.peek()?.fn.meanTaskMs;
    const forTarget = mean === undefined ? Infinity : Math.max(1, Math.floor(TARGET_BATCH_MS / mean));
    const limit = this.options.taskTimeout !== undefined ? 1 : Math.min(MAX_BATCH, fairShare, forTarget);
    const batch: PendingTask[] = [];
    while (batch.length < limit) {
      const next = this.queue.peek();
      if (!next || (next.alone && batch.length > 0)) break;
      this.queue.shift();
      if (next.settled) continue;
      batch.push(next);
      if (next.alone) break;
    }
    return batch;
  }

  private send(slot: Slot, batch: PendingTask[]): void {
    let definitions: FunctionDefinition[] | undefined;
    const functionIds: number[] = new Array(batch.length);
    const payloads: unknown[][] = new Array(batch.length);
    const chunked: boolean[] = new Array(batch.length);
    for (let i = 0; i < batch.length; i++) {
      const task = batch[i];
      if (!slot.known.has(task.fn.id)) {
        slot.known.add(task.fn.id);
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
      slot.handle.send(message);
    } catch (error) {
      for (const definition of definitions ?? []) slot.known.delete(definition.id);
      for (const task of batch) {
        rejectTask(task, new TypeError(`${task.owner.describe(task.index)} cannot be sent to a worker: ${(error as Error).message}`));
      }
      return;
    }
    slot.batches.push({ tasks: batch, sentAt: performance.now() });
    if (!slot.referenced) {
      slot.referenced = true;
      slot.handle.setReferenced(true);
    }
    this.armTimer(slot);
  }

  // ---- workers --------------------------------------------------------------

  private spawn(): Slot {
    const slot: Slot = {
      handle: undefined as unknown as WorkerHandle,
      batches: [],
      known: new Set(),
      ready: false,
      freeSince: 0,
      referenced: true,
      timer: undefined,
    };
    slot.handle = startWorker(
      this.options.kind,
      {
        message: (message) => this.onMessage(slot, message),
        exit: (reason) => this.onExit(slot, reason),
      },
      this.options.resourceLimits,
    );
    this.slots.push(slot);
    return slot;
  }

  private onMessage(slot: Slot, message: WorkerToPool): void {
    if (!this.slots.includes(slot)) return; // ended by the pool; its news is stale
    if (message.type === 'ready') {
      slot.ready = true;
      slot.freeSince = performance.now();
      this.armTimer(slot);
    } else if (message.type === 'done') {
      this.onDone(slot, message);
    }
  }

  private onDone(slot: Slot, message: DoneMessage): void {
    const done = slot.batches.shift();
    if (!done) return;
    const batch = done.tasks;
    clearTimeout(slot.timer);
    slot.timer = undefined;
    this.measure(slot, done);
    const { values, failed } = message;
    let nextFailure = 0;
    for (let i = 0; i < batch.length; i++) {
      if (failed !== undefined && failed[nextFailure] === i) {
        nextFailure++;
        rejectTask(batch[i], deserializeError(values[i] as Parameters<typeof deserializeError>[0]));
      } else {
        resolveTask(batch[i], values[i]);
      }
    }
    if (slot.batches.length === 0 && slot.referenced) {
      slot.referenced = false;
      slot.handle.setReferenced(false);
    }
    this.armTimer(slot);
    this.dispatch();
  }

  private onExit(slot: Slot, reason: string | undefined): void {
    const index = this.slots.indexOf(slot);
    if (index === -1 || reason === undefined) return; // the pool ended it and already dealt with its tasks
    this.slots.splice(index, 1);
    clearTimeout(slot.timer);
    const [running = [], ...waiting] = slot.batches.map((batch) => batch.tasks);
    slot.batches = [];
    const retry: PendingTask[] = [];
    for (const task of running) {
      if (task.settled) continue;
      task.attempts++;
      if (running.length === 1 && task.attempts > this.options.retries) {
        rejectTask(task, new WorkerCrashError(task.owner.describe(task.index), task.attempts, reason));
      } else {
        task.alone = true;
        retry.push(task);
      }
    }
    this.requeueFront([...retry, ...waiting.flat()]);
    this.dispatch();
  }

  /** Ends a worker the pool no longer wants (its tasks must have been dealt with). */
  private endSlot(slot: Slot): void {
    const index = this.slots.indexOf(slot);
    if (index !== -1) this.slots.splice(index, 1);
    clearTimeout(slot.timer);
    slot.timer = undefined;
    const ending = slot.handle.end();
    this.endings.add(ending);
    void ending.finally(() => this.endings.delete(ending));
  }

  private requeueFront(tasks: PendingTask[]): void {
    for (let i = tasks.length - 1; i >= 0; i--) if (!tasks[i].settled) this.queue.unshift(tasks[i]);
  }

  /** Updates the mean task time of the batch's functions (the batch started when the worker was free and had it). */
  private measure(slot: Slot, batch: Batch): void {
    const now = performance.now();
    const perTask = (now - Math.max(batch.sentAt, slot.freeSince)) / batch.tasks.length;
    slot.freeSince = now;
    let previous: PendingTask['fn'] | undefined;
    for (const { fn } of batch.tasks) {
      if (fn === previous) continue;
      previous = fn;
      fn.meanTaskMs = fn.meanTaskMs === undefined ? perTask : fn.meanTaskMs + SMOOTHING * (perTask - fn.meanTaskMs);
    }
  }

  // ---- timeouts -------------------------------------------------------------

  /** Starts the clock for the worker's running task (once it is ready and has one). */
  private armTimer(slot: Slot): void {
    const timeout = this.options.taskTimeout;
    if (timeout === undefined || !slot.ready || slot.timer || slot.batches.length === 0) return;
    slot.timer = setTimeout(() => this.onTimeout(slot, timeout), timeout);
  }

  private onTimeout(slot: Slot, timeout: number): void {
    slot.timer = undefined;
    const [running = [], ...waiting] = slot.batches.map((batch) => batch.tasks);
    slot.batches = [];
    for (const task of running) rejectTask(task, new TaskTimeoutError(task.owner.describe(task.index), timeout));
    this.requeueFront(waiting.flat());
    this.endSlot(slot);
    this.dispatch();
  }

  // ---- closing --------------------------------------------------------------

  /** After close(): once nothing is queued, running or being submitted, end the workers. */
  private finishIfDone(): void {
    if (this.state !== 'closed' || this.finished) return;
    if (this.submitters > 0 || this.queued > 0 || this.slots.some((slot) => slot.batches.length > 0)) return;
    this.finished = true;
    for (const slot of [...this.slots]) this.endSlot(slot);
    void this.finishWhenEnded();
  }

  private async finishWhenEnded(): Promise<void> {
    this.finished = true;
    while (this.endings.size > 0) await Promise.all([...this.endings]);
    this.markFinished();
  }
}
