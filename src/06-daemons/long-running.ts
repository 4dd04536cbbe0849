/**
 * Long-running daemon: one task for the life of the program (the seed's
 * "monitoring a resource"). The task receives an AbortSignal and is expected to
 * loop until it aborts; `stop()` aborts it and waits for it to return. It also
 * receives `beat()`, to call for each piece of work done (counted in `runs`).
 *
 * `watchPath` is the classic example: it reports every change to a file or a
 * folder (fs.watch) until stopped.
 */
import { watch } from 'node:fs/promises';
import { checkFunction, describeValue } from '../engine/validate.js';
import { DaemonState, isStop, type Daemon, type DaemonOptions } from './daemon.js';

export function longRunning(task: (signal: AbortSignal, beat: () => void) => Promise<unknown>, options: DaemonOptions = {}): Daemon {
  checkFunction(task, 'task');
  const state = new DaemonState('long-running', options);
  void (async () => {
    try {
      await task(state.signal, () => void (state.runs += 1));
    } catch (error) {
      if (!isStop(error, state.signal)) state.failed(error);
    } finally {
      state.finished();
    }
  })();
  return state;
}

export interface PathChange {
  eventType: 'rename' | 'change';
  filename: string | null;
  at: number;
}

/** Watches a file or folder and calls `onChange` for every change, until stopped. */
export function watchPath(path: string, onChange: (change: PathChange) => unknown, options: DaemonOptions = {}): Daemon {
  if (typeof path !== 'string' || path === '') throw new TypeError(`path must be a non-empty string, got ${describeValue(path)}`);
  checkFunction(onChange, 'onChange');
  return longRunning(
    async (signal, beat) => {
      for await (const { eventType, filename } of watch(path, { signal, persistent: options.keepAlive ?? false })) {
        await onChange({ eventType: eventType as PathChange['eventType'], filename, at: Date.now() });
        beat();
      }
    },
    { name: `watch ${path}`, ...options },
  );
}
