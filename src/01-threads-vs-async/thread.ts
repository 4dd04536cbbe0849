/**
 * Thread: Python's `threading.Thread`, on a Node worker thread.
 *
 *   const t = new Thread({ target: (n: number) => n * n, args: [7] });
 *   t.start();
 *   console.log(await t.join()); // 49
 *
 * One big difference from Python: a worker thread runs JavaScript truly in
 * parallel (Python threads take turns holding the GIL), and it shares no
 * variables with the main thread. The target is sent as source text and its
 * arguments and result are copied (structured clone), so a target cannot use
 * variables from around it: pass them in `args`, or import them (a module target).
 *
 * Class style, as in Python:
 *
 *   class Counter extends Thread<number> {
 *     limit = 3;
 *     constructor() { super({ name: 'counter' }); }
 *     run() { let sum = 0; for (let i = 1; i <= this.limit; i++) sum += i; return sum; }
 *   }
 *
 * `run` executes in the worker with `this` bound to a COPY of the object's data
 * fields (plus `name` and `daemon`), taken at start(); changes made there stay there.
 *
 * `console.log` in the worker reaches the main thread's stdout (also in a
 * notebook). Each thread's lines keep their order; lines of different threads
 * interleave.
 */
import { Worker } from 'node:worker_threads';
import { compiledEntry } from '../paths.js';
import { registerKitClass, Runner, type RunnerOptions } from '../engine/lifecycle.js';
import { attachThreadLinks } from '../engine/revivable.js';
import type { TaskDescription, TaskOutcome } from '../engine/module-task.js';

export { JoinTimeoutError, EndedEarlyError, type ModuleTarget, type Target } from '../engine/lifecycle.js';

/**
 * Options of a Thread. `daemon: true` unrefs the worker: it does not keep the
 * program alive, and ends when the program ends (Python: daemon threads are
 * abandoned at exit).
 */
export type ThreadOptions<A extends unknown[] = unknown[], R = unknown> = RunnerOptions<A, R>;

/** A function (or module export) running on its own worker thread. */
export class Thread<R = unknown, A extends unknown[] = unknown[]> extends Runner<R, A> {
  #worker: Worker | undefined;
  #threadId: number | undefined;
  #terminating = false;

  /** `new Thread({ target, args?, name?, daemon? })`; subclasses may pass no target and override run(). */
  constructor(options?: ThreadOptions<A, R>) {
    super('Thread', options);
  }

  /** The worker's thread id once started (Python: `native_id`), else undefined. */
  get threadId(): number | undefined {
    return this.#threadId;
  }

  /**
   * Stops the worker at once (Python threads cannot be stopped; workers can).
   * `join()` then rejects with an EndedEarlyError. Resolves when the worker is gone.
   */
  async terminate(): Promise<void> {
    this.requireStarted('terminate');
    if (!this.isAlive) return;
    this.#terminating = true;
    await this.#worker!.terminate();
  }

  protected holdProgram(hold: boolean): void {
    if (!this.daemon) return;
    if (hold) this.#worker?.ref();
    else this.#worker?.unref();
  }

  protected launch(task: TaskDescription): void {
    // Queues and pipe ends among the arguments get a MessagePort to their owner, moved with the task.
    const args = [...task.args];
    const fields = task.self && { ...task.self.fields };
    const ports = attachThreadLinks(args, ...(fields ? [fields] : []));
    const workerData: TaskDescription = { ...task, args, ...(task.self && fields && { self: { ...task.self, fields } }) };
    // execArgv: [] so the worker does not inherit loaders such as tsx: it runs compiled JS and starts fast.
    const worker = new Worker(compiledEntry('engine/thread-worker.cts'), { workerData, transferList: ports, execArgv: [] });
    this.#worker = worker;
    this.#threadId = worker.threadId;
    let outcome: TaskOutcome | undefined;
    let crash: unknown;
    worker.on('message', (message: TaskOutcome) => (outcome = message));
    worker.on('error', (error) => (crash = error));
    worker.on('exit', (code) => {
      if (outcome) this.ended(outcome.ok ? { kind: 'result', value: outcome.value } : { kind: 'error', error: outcome.error });
      else if (crash !== undefined) this.ended({ kind: 'error', error: crash });
      else if (this.#terminating) this.ended({ kind: 'no-result', reason: 'was terminated', clean: false });
      else this.ended({ kind: 'no-result', reason: `exited with code ${code}`, clean: code === 0 });
    });
    // After adding listeners: adding a 'message' listener refs the worker again.
    if (this.daemon) worker.unref();
  }
}
registerKitClass(Thread);
