/**
 * One pool worker as seen from the main thread: a worker thread or a child
 * process behind the same small interface, so the pool's logic does not care
 * which. Both run `worker-entry.ts` (compiled to dist/).
 *
 * The one thing a handle adds is a crash *reason* in words: a thread reports an
 * uncaught error through its 'error' event (out of memory is one), a child
 * process through a 'fatal' message before it exits; otherwise the exit code or
 * signal says what happened.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { compiledEntry } from '../../paths.js';
import type { PoolToWorker, WorkerToPool } from './protocol.js';

export type WorkerKind = 'threads' | 'processes';

export interface WorkerEvents {
  message(message: WorkerToPool): void;
  /** The worker is gone. `reason` describes why, unless the pool ended it itself. */
  exit(reason: string | undefined): void;
}

export interface WorkerHandle {
  send(message: PoolToWorker): void;
  /** Whether this worker keeps the program alive (it should only while it has work). */
  setReferenced(referenced: boolean): void;
  /** Ends the worker now; resolves once it is gone. */
  end(): Promise<void>;
}

export const workerEntry = (): string => compiledEntry('engine/pool/worker-entry.ts');

export function startWorker(kind: WorkerKind, events: WorkerEvents, resourceLimits: ResourceLimits | undefined): WorkerHandle {
  return kind === 'threads' ? startThread(events, resourceLimits) : startProcess(events);
}

function startThread(events: WorkerEvents, resourceLimits: ResourceLimits | undefined): WorkerHandle {
  // execArgv: [] so a worker does not inherit loaders such as tsx (it runs compiled JS).
  const worker = new Worker(workerEntry(), { execArgv: [], resourceLimits });
  let uncaught: Error | undefined;
  let ending = false;
  const exited = new Promise<void>((resolve) => {
    worker.on('exit', (code) => {
      resolve();
      if (ending) return events.exit(undefined);
      if (uncaught) {
        const code = (uncaught as { code?: string }).code;
        events.exit(
          code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? `it ran out of memory (${uncaught.message})`
            : `uncaught ${uncaught.name}: ${uncaught.message}`,
        );
      } else {
        events.exit(`the worker exited with code ${code} (process.exit?)`);
      }
    });
  });
  worker.on('message', (message: WorkerToPool) => events.message(message));
  worker.on('error', (error) => (uncaught = error));
  return {
    send: (message) => worker.postMessage(message),
    setReferenced: (referenced) => (referenced ? worker.ref() : worker.unref()),
    end: async () => {
      ending = true;
      worker.ref(); // keep the program alive until the worker is really gone
      await worker.terminate();
      await exited;
    },
  };
}

function startProcess(events: WorkerEvents): WorkerHandle {
  const child: ChildProcess = fork(workerEntry(), [], { execArgv: [], serialization: 'advanced', stdio: 'inherit' });
  let fatal: string | undefined;
  let ending = false;
  const exited = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      resolve();
      if (ending) return events.exit(undefined);
      if (fatal) events.exit(fatal);
      else if (signal) events.exit(`the worker process was killed by ${signal}${signal === 'SIGABRT' ? ' (out of memory?)' : ''}`);
      else events.exit(`the worker process exited with code ${code} (process.exit?)`);
    });
  });
  child.on('message', (message: WorkerToPool) => {
    if (message.type === 'fatal') fatal = `uncaught ${message.error.name}: ${message.error.message}`;
    else events.message(message);
  });
  child.on('error', (error) => (fatal ??= `${error.name}: ${error.message}`));
  return {
    send: (message) => {
      child.send(message);
    },
    setReferenced: (referenced) => {
      if (referenced) {
        child.ref();
        child.channel?.ref();
      } else {
        child.unref();
        child.channel?.unref();
      }
    },
    end: async () => {
      ending = true;
      child.ref(); // keep the program alive until the child is really gone
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
