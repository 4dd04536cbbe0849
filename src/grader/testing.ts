/**
 * For exercise tests that run a scenario in a worker thread, next to the code
 * under test (`import { startIsolatedWorker } from 'course-kit/grader/testing'`).
 *
 * A plain `new Worker(code, { workerData })` leaves the scenario's source in
 * `workerData` and its answer on `parentPort`, both within reach of the code
 * under test that the worker loads: it could read a hidden scenario, or post
 * an answer of its own first. Here the worker (isolated-worker.ts) takes the
 * scenario and a private port out of `workerData`, clears it, hardens its
 * realm as the test process does, and only then loads the module under test;
 * the answer comes back on the private port alone.
 */
import { MessageChannel, Worker } from 'node:worker_threads';

export interface IsolatedWorkerOptions {
  /** The module under test (a file URL), loaded in the worker. */
  module: URL | string;
  /**
   * JavaScript source of `(module, data) => result` (may be async): runs in
   * the worker, in strict mode, with the module's namespace and `data`.
   */
  scenario: string;
  /** Structured-cloneable; SharedArrayBuffers are shared. */
  data?: unknown;
  /** The answer must come within this many ms (default 5000). */
  timeoutMs?: number;
}

export interface IsolatedWorker {
  /** The scenario's result; rejects with its error, or when no answer comes in time. */
  result: Promise<unknown>;
  worker: Worker;
}

export function startIsolatedWorker(options: IsolatedWorkerOptions): IsolatedWorker {
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(new URL('./sandbox/isolated-worker.js', import.meta.url), {
    workerData: { port: port2, module: String(options.module), scenario: options.scenario, data: options.data },
    transferList: [port2],
  });
  const timeoutMs = options.timeoutMs ?? 5000;
  const result = new Promise<unknown>((resolve, reject) => {
    const timer = setTimeout(() => {
      port1.close();
      reject(new Error(`the worker did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    port1.once('message', (reply: { ok: boolean; result?: unknown; message?: string }) => {
      clearTimeout(timer);
      port1.close();
      if (reply.ok) resolve(reply.result);
      else reject(new Error(`in the worker: ${reply.message}`));
    });
    worker.once('error', (error) => {
      clearTimeout(timer);
      port1.close();
      reject(error);
    });
  });
  result.catch(() => undefined); // handled by the caller; this only avoids an "unhandled rejection" in between
  return { result, worker };
}
