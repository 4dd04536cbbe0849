/**
 * The code a Process's child runs: wait for the task on the IPC channel, run
 * it, send the outcome (result or error) back, exit (0 after a result, 1 after
 * an error, as Python's multiprocessing does).
 *
 * A daemon child must not outlive its parent. The parent ends its daemon
 * children when it exits, even on an uncaught error or a signal; if the parent
 * is killed outright (SIGKILL), the IPC channel closes, and the child exits on
 * 'disconnect'. (A child busy in a synchronous loop notices only when it next
 * returns to the event loop.)
 */
import { runTask, type TaskDescription, type TaskOutcome } from './module-task.js';

interface StartMessage {
  readonly task: TaskDescription;
  readonly daemon: boolean;
}

const send = process.send?.bind(process);
if (!send) throw new Error('process-child.js is started by the Process class, with an IPC channel');

process.once('message', (message) => void run(message as StartMessage));

async function run({ task, daemon }: StartMessage): Promise<void> {
  if (daemon) process.on('disconnect', () => process.exit(1));
  const outcome = await runTask(task);
  const exitCode = outcome.ok ? 0 : 1;
  if (!process.connected) process.exit(exitCode); // The parent is gone: nobody to tell.
  try {
    send!(outcome, undefined, {}, () => process.exit(exitCode));
  } catch (error) {
    // The result (or error) could not be serialized, e.g. it holds a function.
    const what = outcome.ok ? "The process's result" : 'The error the process threw';
    const failure: TaskOutcome = { ok: false, error: new TypeError(`${what} cannot be sent back: ${(error as Error).message}`) };
    send!(failure, undefined, {}, () => process.exit(1));
  }
}
