/**
 * Test helper: runs plain-JavaScript bodies in worker threads that import the
 * compiled primitives (dist/05-races-and-locks/index.js) by file URL. Every worker
 * is terminated before the helper returns, also when a body fails or hangs.
 */
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { compiledEntry } from '../../src/paths.js';

/** What a worker body sees: `lib` (every export of the unit), `data`, `workerIndex`, `threadId`. */
const PRELUDE = `
const { workerData, parentPort, threadId } = require('node:worker_threads');
(async () => {
  const lib = await import(workerData.moduleUrl);
  const { data, workerIndex } = workerData;
  const body = async () => { __BODY__ };
  return await body();
})().then(
  (result) => parentPort.postMessage({ result }),
  (error) => parentPort.postMessage({ error: String((error && error.stack) || error) }),
);
`;

export interface WorkerRun<T> {
  /** Resolves with every worker's result, in worker order; rejects with the first error. */
  results: Promise<T[]>;
  /** The workers' thread ids, in worker order. */
  threadIds: number[];
}

/**
 * Starts `count` workers running `body` (the text of an async function body) with
 * `data` (cloned; SharedArrayBuffers and handles inside are shared). The returned
 * `results` settle within `timeoutMs`, then all workers are ended.
 */
export function startWorkers<T>(count: number, body: string, data: unknown, timeoutMs = 15_000): WorkerRun<T> {
  const moduleUrl = pathToFileURL(compiledEntry('05-races-and-locks/index.ts')).href;
  const source = PRELUDE.replace('__BODY__', body);
  const workers = Array.from(
    { length: count },
    (_, workerIndex) => new Worker(source, { eval: true, workerData: { moduleUrl, data, workerIndex } }),
  );
  const outcomes = workers.map(
    (worker, index) =>
      new Promise<T>((resolve, reject) => {
        worker.once('message', (message: { result?: T; error?: string }) =>
          message.error === undefined ? resolve(message.result as T) : reject(new Error(`worker ${index}: ${message.error}`)),
        );
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`worker ${index} exited (code ${code}) without a result`)));
      }),
  );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`workers did not finish within ${timeoutMs} ms`)), timeoutMs);
  });
  const results = Promise.race([Promise.all(outcomes), timeout]).finally(async () => {
    clearTimeout(timer);
    await Promise.all(workers.map((worker) => worker.terminate()));
  });
  outcomes.forEach((outcome) => outcome.catch(() => {})); // reported through `results`
  return { results, threadIds: workers.map((worker) => worker.threadId) };
}

/** Runs `body` in `count` workers and returns their results (see startWorkers). */
export function runInWorkers<T>(count: number, body: string, data: unknown, timeoutMs?: number): Promise<T[]> {
  return startWorkers<T>(count, body, data, timeoutMs).results;
}

/** Waits without blocking the event loop until `condition` holds, or fails after `ms`. */
export async function until(condition: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * A start gate, so workers begin their loops together (the most contention):
 * in a worker body, `${StartGate.ARRIVE}` (with the gate's buffer in `data.gate`);
 * in the test, `await gate.openWhenArrived(n)`.
 */
export class StartGate {
  static readonly ARRIVE = 'const gate = new Int32Array(data.gate); Atomics.add(gate, 1, 1); Atomics.wait(gate, 0, 0, 10000);';
  readonly buffer = new SharedArrayBuffer(8);
  readonly #cells = new Int32Array(this.buffer);

  async openWhenArrived(parties: number): Promise<void> {
    await until(() => Atomics.load(this.#cells, 1) >= parties, `${parties} workers at the start gate`);
    Atomics.store(this.#cells, 0, 1);
    Atomics.notify(this.#cells, 0);
  }
}
