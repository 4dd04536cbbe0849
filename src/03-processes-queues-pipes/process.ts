/**
 * Process: Python's `multiprocessing.Process`, on a child process (`fork`).
 *
 *   const p = new Process({ target: () => ({ pid: process.pid, ppid: process.ppid }) });
 *   p.start();
 *   console.log(p.pid, await p.join()); // the child sees this program's pid as its ppid
 *
 * Same life cycle as Thread (start, join, join(timeout), isAlive, class style
 * with run()), plus what only a process has: a `pid`, an `exitCode`, and
 * signals (`terminate()` sends SIGTERM, `kill()` SIGKILL). The child is a whole
 * new Node program: it shares nothing with its parent; the target's source,
 * arguments and result travel over the IPC channel, copied with the structured
 * clone algorithm (`serialization: 'advanced'`), so Map, Set, Date and typed
 * arrays arrive intact, as between threads.
 *
 * Output. The child's stdout and stderr are forwarded to this program's
 * `process.stdout` / `process.stderr` (through pipes rather than inherited file
 * descriptors, so that in a notebook they show in the cell: tslab captures
 * `process.stdout.write`). `silent: true` discards them.
 *
 * Daemons. A daemon child does not keep the program alive, and never outlives
 * it: it is ended when the program exits normally, on an uncaught error, and on
 * SIGINT/SIGTERM (a handler is installed only while daemon children run, then
 * the signal's default action is restored and the signal raised again). If the
 * program is SIGKILLed, the child sees its IPC channel close and exits. A
 * non-daemon child is NOT ended with its parent: like in Python, it can
 * outlive a parent that is killed.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { compiledEntry } from '../paths.js';
import { registerKitClass, Runner, type RunnerOptions } from '../engine/lifecycle.js';
import type { TaskDescription, TaskOutcome } from '../engine/module-task.js';

export { JoinTimeoutError, EndedEarlyError, type ModuleTarget, type Target } from '../engine/lifecycle.js';

/** Options of a Process. */
export interface ProcessOptions<A extends unknown[] = unknown[], R = unknown> extends RunnerOptions<A, R> {
  /** Discard the child's stdout and stderr instead of forwarding them. */
  silent?: boolean;
}

/** A function (or module export) running in its own child process. */
export class Process<R = unknown, A extends unknown[] = unknown[]> extends Runner<R, A> {
  readonly #silent: boolean;
  #child: ChildProcess | undefined;
  #signalSent: NodeJS.Signals | undefined;

  /** `new Process({ target, args?, name?, daemon?, silent? })`; subclasses may override run() instead. */
  constructor(options?: ProcessOptions<A, R>) {
    super('Process', options);
    const silent = options?.silent ?? false;
    if (typeof silent !== 'boolean') throw new TypeError(`silent must be true or false, got ${String(silent)}`);
    this.#silent = silent;
  }

  /** The child's process id once started, else undefined. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** The child's exit code once it has ended (null while running, or when a signal ended it). */
  get exitCode(): number | null {
    return this.#child?.exitCode ?? null;
  }

  /** The signal that ended the child ("SIGTERM", ...), or null. (Python shows it as a negative exitcode.) */
  get signalCode(): NodeJS.Signals | null {
    return this.#child?.signalCode ?? null;
  }

  /** Sends SIGTERM (Python's `terminate()`); resolves when the child is gone. */
  terminate(): Promise<void> {
    return this.#signal('SIGTERM', 'terminate');
  }

  /** Sends SIGKILL (Python's `kill()`), which cannot be caught; resolves when the child is gone. */
  kill(): Promise<void> {
    return this.#signal('SIGKILL', 'kill');
  }

  async #signal(signal: NodeJS.Signals, action: string): Promise<void> {
    this.requireStarted(action);
    if (!this.isAlive) return;
    this.#signalSent ??= signal;
    const child = this.#child!;
    const gone = new Promise<void>((resolve) => child.once('close', () => resolve()));
    child.kill(signal);
    await gone;
  }

  protected launch(task: TaskDescription): void {
    // execArgv: [] so the child does not inherit loaders such as tsx: it runs compiled JS and starts fast.
    const output = this.#silent ? 'ignore' : 'pipe';
    const child = fork(compiledEntry('engine/process-child.ts'), [], {
      execArgv: [],
      serialization: 'advanced',
      stdio: ['ignore', output, output, 'ipc'],
    });
    this.#child = child;
    child.stdout?.on('data', (chunk: Buffer) => process.stdout.write(chunk));
    child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(chunk));

    let outcome: TaskOutcome | undefined;
    let spawnError: Error | undefined;
    child.on('message', (message: TaskOutcome) => (outcome = message));
    child.on('error', (error) => (spawnError ??= error));
    // 'close' comes after 'exit' and after the child's output has been read to the end.
    child.on('close', (code, signal) => {
      releaseDaemon(child);
      if (outcome) this.ended(outcome.ok ? { kind: 'result', value: outcome.value } : { kind: 'error', error: outcome.error });
      else if (spawnError) this.ended({ kind: 'error', error: spawnError });
      else if (signal) {
        const reason =
          signal === this.#signalSent
            ? `was ended by ${signal} (${signal === 'SIGKILL' ? 'kill' : 'terminate'}())`
            : `was ended by ${signal}`;
        this.ended({ kind: 'no-result', reason, clean: false });
      } else this.ended({ kind: 'no-result', reason: `exited with code ${code}`, clean: code === 0 });
    });
    child.send({ task, daemon: this.daemon });
    if (this.daemon) {
      this.holdProgram(false); // after adding listeners, which may ref the channel again
      adoptDaemon(child);
    }
  }

  protected holdProgram(hold: boolean): void {
    const child = this.#child;
    if (!this.daemon || !child) return;
    // Every handle: the output pipes too, or 'close' might never come.
    const handles = [child, child.channel, child.stdout as Socket | null, child.stderr as Socket | null];
    for (const handle of handles) {
      if (hold) handle?.ref();
      else handle?.unref();
    }
  }
}
registerKitClass(Process);

/**
 * The daemon children alive in this program, ended when it ends. The exit and
 * signal handlers are installed only while there are some.
 */
const daemonChildren = new Set<ChildProcess>();

function adoptDaemon(child: ChildProcess): void {
  if (daemonChildren.size === 0) {
    process.on('exit', endDaemonChildren);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  daemonChildren.add(child);
}

function releaseDaemon(child: ChildProcess): void {
  if (daemonChildren.delete(child) && daemonChildren.size === 0) removeHandlers();
}

function endDaemonChildren(): void {
  for (const child of daemonChildren) child.kill('SIGTERM');
}

function removeHandlers(): void {
  process.off('exit', endDaemonChildren);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
}

/**
 * SIGINT/SIGTERM while daemon children run. If the program has its own handler,
 * it decides whether to exit (and the 'exit' handler ends the children then).
 * Otherwise do what Node would have done: end the children, then restore the
 * default action and raise the signal again, so the program dies of it.
 */
function onSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return;
  endDaemonChildren();
  removeHandlers();
  process.kill(process.pid, signal);
}
