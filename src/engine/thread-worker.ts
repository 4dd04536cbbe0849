/**
 * The code a Thread's worker runs: take the task from workerData, run it, post
 * the outcome (result or error) to the parent, end. Kept tiny on purpose: it is
 * loaded on every Thread start.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runTask, type TaskDescription, type TaskOutcome } from './module-task.js';

const port = parentPort;
if (!port) throw new Error('thread-worker.js is started by the Thread class, as a worker thread');

const outcome = await runTask(workerData as TaskDescription);
try {
  port.postMessage(outcome);
} catch (error) {
  // The result (or error) could not be copied, e.g. it holds a function.
  const what = outcome.ok ? "The thread's result" : 'The error the thread threw';
  port.postMessage({ ok: false, error: new TypeError(`${what} cannot be sent back: ${(error as Error).message}`) } satisfies TaskOutcome);
}
// End now, as a Python thread ends when its target returns, even if the target left timers behind.
process.exit(outcome.ok ? 0 : 1);
