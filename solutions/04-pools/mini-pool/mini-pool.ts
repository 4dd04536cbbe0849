/**
 * A minimal worker pool of your own: `size` worker threads run tasks in parallel.
 *
 * Every worker runs the same task function, given as JavaScript source (workers
 * run JavaScript, and functions cannot be copied to another thread, only their
 * source text). `run(input)` queues one task; an idle worker takes the oldest
 * queued task; when it answers, the task's promise settles and the worker takes
 * the next one. `close()` lets the queued and running tasks finish, then ends
 * every worker.
 *
 * This is the idea behind Python's `multiprocessing.Pool` and the kit's `Pool`
 * (unit 04), without the extras: one task function, one queue, one worker per slot.
 */
import { Worker } from 'node:worker_threads';

/**
 * The code each worker runs. It builds the task function from its source once,
 * then answers every `{ input }` message with `{ ok: true, value }` or
 * `{ ok: false, message }`. (`require` is passed in so a task can use Node's modules.)
 */
const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const task = new Function('require', 'return (' + workerData.taskSource + ');')(require);
parentPort.on('message', async ({ input }) => {
  try {
    parentPort.postMessage({ ok: true, value: await task(input) });
  } catch (error) {
    parentPort.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error) });
  }
});
`;

/** What a worker answers after one task. */
export type Reply = { ok: true; value: unknown } | { ok: false; message: string };

/**
 * Starts one worker running `taskSource`. Listen to it with
 * `worker.on('message', (reply: Reply) => ...)`, `worker.on('error', ...)` (an
 * uncaught error ends the worker) and `worker.on('exit', (code) => ...)`; give it
 * a task with `worker.postMessage({ input })`; end it with `await worker.terminate()`.
 */
export function startWorker(taskSource: string): Worker {
  return new Worker(WORKER_CODE, { eval: true, workerData: { taskSource } });
}

/** A task waiting in the queue or running on a worker. */
interface Job<I, O> {
  input: I;
  resolve(value: O): void;
  reject(error: Error): void;
}

/** One worker of the pool and the job it runs now (undefined when idle). */
interface Slot<I, O> {
  worker: Worker;
  job: Job<I, O> | undefined;
}

export class MiniPool<I, O> {
  /** Workers in the pool. */
  readonly size: number;
  readonly #taskSource: string;
  readonly #slots: Slot<I, O>[] = [];
  readonly #queue: Job<I, O>[] = [];
  #closing: Promise<void> | undefined;

  /**
   * Starts `size` workers, each running the task function whose JavaScript source
   * is `taskSource`, e.g. `'(n) => n * n'` or `'async function (url) { ... }'`.
   */
  constructor(taskSource: string, size: number) {
    if (typeof taskSource !== 'string') throw new TypeError('taskSource must be the source text of a function');
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`size must be an integer >= 1, got ${String(size)}`);
    this.size = size;
    this.#taskSource = taskSource;
    for (let i = 0; i < size; i++) this.#slots.push(this.#startSlot());
  }

  /** Tasks waiting for a worker now. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Tasks running on a worker now. */
  get running(): number {
    return this.#slots.filter((slot) => slot.job !== undefined).length;
  }

  /** The JavaScript source of the task every worker runs. */
  get taskSource(): string {
    return this.#taskSource;
  }

  /** Whether close() was called. */
  get closed(): boolean {
    return this.#closing !== undefined;
  }

  /**
   * Runs the task on `input` on some worker: resolves with its result, or rejects
   * with an Error carrying the task's error message. Rejects at once after close().
   */
  run(input: I): Promise<O> {
    if (this.#closing) return Promise.reject(new Error('the pool is closed: run() after close()'));
    return new Promise<O>((resolve, reject) => {
      this.#queue.push({ input, resolve, reject });
      this.#dispatch();
    });
  }

  /** Runs the task on every input; resolves with the results in input order. */
  map(inputs: readonly I[]): Promise<O[]> {
    // BEGIN SOLUTION
    return Promise.all(inputs.map((input) => this.run(input)));
    // END SOLUTION
  }

  /**
   * Stops accepting tasks, waits for the queued and running ones to settle, then
   * ends every worker; resolves once all of them have exited. Calling it again
   * returns the same promise.
   */
  close(): Promise<void> {
    // BEGIN SOLUTION
    /** Resolves once `job` settles (wraps its resolve and reject). */
    const whenSettled = (job: Job<I, O>): Promise<void> =>
      new Promise<void>((done) => {
        const { resolve, reject } = job;
        job.resolve = (value) => {
          resolve(value);
          done();
        };
        job.reject = (error) => {
          reject(error);
          done();
        };
      });
    this.#closing ??= (async () => {
      const outstanding = [...this.#queue, ...this.#slots.map((slot) => slot.job)].filter((job): job is Job<I, O> => job !== undefined);
      await Promise.all(outstanding.map(whenSettled));
      const slots = this.#slots.splice(0); // an exit of a slot no longer listed is not a crash
      await Promise.all(slots.map((slot) => slot.worker.terminate()));
    })();
    return this.#closing;
    // END SOLUTION
  }

  /** Gives queued jobs, oldest first, to idle workers (`worker.postMessage({ input })`). */
  #dispatch(): void {
    // BEGIN SOLUTION
    for (const slot of this.#slots) {
      if (slot.job !== undefined) continue;
      const job = this.#queue.shift();
      if (job === undefined) return;
      slot.job = job;
      slot.worker.postMessage({ input: job.input });
    }
    // END SOLUTION
  }

  /**
   * Starts a worker (with `startWorker`) in a new slot and listens to it:
   * - a reply settles the slot's job, then the worker takes the next queued job;
   * - an exit while the slot is still in the pool is a crash (e.g. the task called
   *   process.exit): reject its job and put a new worker in its place;
   * - an exit after close() took the slot out of the pool is the normal end.
   */
  #startSlot(): Slot<I, O> {
    // BEGIN SOLUTION
    const slot: Slot<I, O> = { worker: startWorker(this.#taskSource), job: undefined };
    slot.worker.on('message', (reply: Reply) => {
      const job = slot.job;
      slot.job = undefined;
      if (reply.ok) job?.resolve(reply.value as O);
      else job?.reject(new Error(reply.message));
      this.#dispatch();
    });
    slot.worker.on('error', () => {
      // An uncaught error ends the worker: its 'exit' follows and is handled there.
    });
    slot.worker.on('exit', (code: number) => {
      const index = this.#slots.indexOf(slot);
      if (index < 0) return; // close() ended it
      slot.job?.reject(new Error(`the worker running this task exited with code ${code}`));
      slot.job = undefined;
      this.#slots[index] = this.#startSlot();
      this.#dispatch();
    });
    return slot;
    // END SOLUTION
  }
}
