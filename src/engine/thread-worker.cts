/**
 * The code a Thread's worker runs: take the task from workerData, run it, post
 * the outcome (result or error) to the parent, end.
 *
 * It is loaded on every Thread start, so it is CommonJS: a worker that starts
 * on an ES module first sets up the module loader, which costs about as much
 * again as the rest of its start. A plain function with plain arguments runs
 * right here; a module target, or queues and locks among the arguments, load
 * the rest of the engine (module-task.ts) first.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { reviveFunction, type ShippedFunction } from './shipped-function.cjs';

/** What this file reads of a task (module-task.ts, an ES module, has the whole TaskDescription). */
interface Task {
  readonly source: ShippedFunction | { readonly kind: 'module' };
  readonly args: readonly unknown[];
  readonly revival?: unknown;
  readonly self?: unknown;
}

/** How a task ended, as module-task.ts's TaskOutcome. */
type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

async function run(task: Task): Promise<Outcome> {
  if (task.source.kind !== 'shipped-function' || task.revival !== undefined || task.self !== undefined) {
    const { runTask } = await import('./module-task.js');
    return runTask(task as Parameters<typeof runTask>[0]);
  }
  try {
    return { ok: true, value: await reviveFunction(task.source)(...task.args) };
  } catch (error) {
    return { ok: false, error };
  }
}

async function main(port: NonNullable<typeof parentPort>): Promise<void> {
  const outcome = await run(workerData as Task);
  try {
    port.postMessage(outcome);
  } catch (error) {
    // The result (or error) could not be copied, e.g. it holds a function.
    const what = outcome.ok ? "The thread's result" : 'The error the thread threw';
    port.postMessage({ ok: false, error: new TypeError(`${what} cannot be sent back: ${(error as Error).message}`) } satisfies Outcome);
  }
  // End now, as a Python thread ends when its target returns, even if the target left timers behind.
  process.exit(outcome.ok ? 0 : 1);
}

if (!parentPort) throw new Error('thread-worker.cjs is started by the Thread class, as a worker thread');
void main(parentPort);
