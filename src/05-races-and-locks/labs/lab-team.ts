/**
 * The one harness every lab of units 05 and 07 runs its worker threads with: a
 * team of kit Threads, each running an export of a worker module (compiled, in
 * dist/), with a hard time bound.
 *
 * The one promise a lab makes: it returns within its time bound and leaves no
 * worker behind, even when the workers deadlock. `finish(deadline)` asks
 * everyone to stop, waits for each until the deadline and terminates whoever is
 * still there; `terminateAll()` (in a finally) covers errors. Terminating a
 * worker is the last resort, not a fix: it does not release the locks the
 * worker holds (see unit 07's deadlock lab).
 *
 * The main thread is the notebook kernel: it never calls `Atomics.wait`. It
 * waits for the workers with `waitFor`, on a "wake" cell the workers bump and
 * notify (`signalChange`) whenever something changes, through
 * `Atomics.waitAsync`, always with a deadline, and stops at once when a member
 * fails. A team may share a TeamControl (start gate, stop and give-up flags,
 * counters) with its members.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { Thread } from '../../01-threads-vs-async/thread.js';
import { compiledEntry } from '../../paths.js';
import { waitAsync } from '../atomic-wait.js';
import type { TeamControl } from './team-control.js';

/** A lab did not finish within its time bound (its workers were ended). */
export class LabTimeoutError extends Error {
  override readonly name = 'LabTimeoutError';
}

/** A lab's worker crashed or ended before the lab was over. */
export class LabWorkerError extends Error {
  override readonly name = 'LabWorkerError';
}

/** Longest single sleep in `waitFor`: a missed notify costs at most this much. */
const POLL_MS = 50;

/**
 * A lab's time bound, split in two: until `work` the workers run and are
 * watched; from `work` to `end` they are asked to stop and, if they do not,
 * terminated. Both are performance.now() times.
 */
export interface TimeBound {
  readonly work: number;
  readonly end: number;
}

/** The bound for a lab that must be over `timeoutMs` from now (up to 300 ms of it kept for clean-up). */
export function timeBound(timeoutMs: number): TimeBound {
  const now = performance.now();
  return { work: now + timeoutMs - Math.min(300, timeoutMs / 4), end: now + timeoutMs };
}

export interface TeamMember {
  readonly name: string;
  /** The export of the worker module to run. */
  readonly task: string;
  /** Its arguments (copied; SharedArrayBuffers and lock handles inside are shared). */
  readonly args: readonly unknown[];
}

/** How a member ended. */
export type MemberEnd<R> =
  | { readonly name: string; readonly status: 'finished'; readonly value: R }
  | { readonly name: string; readonly status: 'failed'; readonly error: unknown }
  | { readonly name: string; readonly status: 'terminated' };

export class LabTeam<R> {
  readonly threads: Thread<R>[];
  /** Rejects (with a LabWorkerError) as soon as a member fails or ends while the lab still needs it. */
  readonly failure: Promise<never>;
  readonly #ends: Array<MemberEnd<R> | undefined>;
  /** Members the lab ended on purpose (terminate): their end is no failure. */
  readonly #letGo = new Set<Thread<R>>();
  #ending = false;

  /** Starts one Thread per member, running `members[i].task` from `workerModule` (a path under src/). */
  readonly #teamControl: TeamControl | undefined;

  constructor(workerModule: string, members: readonly TeamMember[], control?: TeamControl) {
    this.#teamControl = control;
    const module = compiledEntry(workerModule);
    this.threads = [];
    this.#ends = members.map(() => undefined);
    try {
      for (const member of members) {
        this.threads.push(new Thread<R>({ target: { module, export: member.task }, args: [...member.args], name: member.name }).start());
      }
    } catch (error) {
      void this.terminateAll();
      throw error;
    }
    this.failure = new Promise<never>((_, reject) => {
      for (const thread of this.threads) {
        thread.join().then(
          () => {
            if (!this.#ending && !this.#letGo.has(thread))
              reject(new LabWorkerError(`worker ${thread.name} ended before the lab was over`));
          },
          (error: unknown) => {
            if (!this.#ending && !this.#letGo.has(thread)) {
              reject(new LabWorkerError(`worker ${thread.name} failed: ${(error as Error)?.stack ?? String(error)}`));
            }
          },
        );
      }
    });
    this.failure.catch(() => {}); // reported through waitFor, not as an unhandled rejection
  }

  /** The members' thread ids (worker_threads `threadId`), in member order. */
  get threadIds(): number[] {
    return this.threads.map((thread) => thread.threadId as number);
  }

  /**
   * Resolves once `done()` is true. Sleeps on the `wake` cell with
   * `Atomics.waitAsync` (never blocking the event loop), re-checking at least
   * every `pollMs`. Rejects with a LabTimeoutError after `deadline` (a
   * performance.now() time) and with a LabWorkerError if a member fails.
   */
  async waitFor(
    done: () => boolean,
    deadline: number,
    what: string,
    wake: { cells: Int32Array; index: number },
    pollMs = POLL_MS,
  ): Promise<void> {
    const { cells, index } = wake;
    for (;;) {
      const seen = Atomics.load(cells, index);
      if (done()) return;
      const left = deadline - performance.now();
      if (left <= 0) throw new LabTimeoutError(`timed out waiting for ${what}`);
      const wait = waitAsync(cells, index, seen, Math.min(left, pollMs));
      if (wait.async) await Promise.race([wait.value, this.failure]);
    }
  }

  /** threadId → member name, for the wait-for graph. */
  get threadNames(): Map<number, string> {
    return new Map(this.threads.map((thread) => [thread.threadId as number, thread.name]));
  }

  /** threadId → member name, with " (ended)" after the members that have ended. */
  get threadNamesMarkingEnded(): Map<number, string> {
    return new Map(this.threads.map((thread) => [thread.threadId as number, thread.isAlive ? thread.name : `${thread.name} (ended)`]));
  }

  /** Opens the start gate once every member has arrived (or throws at `deadline`, a performance.now() time). */
  async start(deadline: number): Promise<void> {
    const control = this.control;
    while (control.arrived < this.threads.length) {
      const died = this.threads.find((thread) => !thread.isAlive);
      if (died) {
        await this.#endOf(this.threads.indexOf(died), 0);
        const end = this.#ends[this.threads.indexOf(died)];
        throw new Error(`worker ${died.name} ended before the start: ${end?.status === 'failed' ? String(end.error) : end?.status}`);
      }
      if (performance.now() > deadline) {
        throw new Error('the workers did not reach the start gate within the time bound (is timeoutMs long enough to start them?)');
      }
      await delay(5);
    }
    control.openGate();
  }

  /** The TeamControl the team was started with (a lab without one cannot use the start gate). */
  get control(): TeamControl {
    if (!this.#teamControl) throw new Error('this LabTeam was started without a TeamControl');
    return this.#teamControl;
  }

  /** Whether every member has ended. */
  get allEnded(): boolean {
    return this.threads.every((thread) => !thread.isAlive);
  }

  /** Resolves when every member has ended, or when `deadline` (a performance.now() time) passes. */
  async waitAll(deadline: number, pollMs = 5): Promise<boolean> {
    while (!this.allEnded) {
      if (performance.now() >= deadline) return false;
      await delay(Math.min(pollMs, Math.max(1, deadline - performance.now())));
    }
    return true;
  }

  /** Ends member `index` now. Locks it holds stay held: nobody releases them. */
  async terminate(index: number): Promise<void> {
    const thread = this.threads[index];
    this.#letGo.add(thread);
    if (thread.isAlive) {
      await thread.terminate();
      this.#ends[index] ??= { name: thread.name, status: 'terminated' };
    }
  }

  /**
   * Asks every member to stop, waits for them until `deadline` (a performance.now()
   * time), terminates the rest, and says how each ended.
   */
  async finish(deadline: number): Promise<MemberEnd<R>[]> {
    this.#ending = true;
    this.#teamControl?.requestStop();
    await Promise.all(this.threads.map((_, index) => this.#endOf(index, deadline - performance.now())));
    return this.#ends as MemberEnd<R>[];
  }

  /** Terminates everyone still running (for finally blocks). */
  async terminateAll(): Promise<void> {
    this.#ending = true;
    this.#teamControl?.requestStop();
    await Promise.all(this.threads.map((_, index) => this.terminate(index).catch(() => undefined)));
  }

  async #endOf(index: number, waitMs: number): Promise<void> {
    if (this.#ends[index] !== undefined) return;
    const thread = this.threads[index];
    try {
      const value = await thread.join(Math.max(0, waitMs));
      this.#ends[index] ??= { name: thread.name, status: 'finished', value };
    } catch (error) {
      if ((error as Error)?.name === 'JoinTimeoutError') {
        await this.terminate(index);
      } else if ((error as Error)?.name === 'EndedEarlyError') {
        this.#ends[index] ??= { name: thread.name, status: 'terminated' };
      } else {
        this.#ends[index] ??= { name: thread.name, status: 'failed', error };
      }
    }
  }
}

/** Throws the first worker error among `ends` (a bug in a task must not pass for a result). */
export function rethrowFailures(ends: readonly MemberEnd<unknown>[]): void {
  for (const end of ends) {
    if (end.status === 'failed') {
      const error = end.error instanceof Error ? end.error : new Error(String(end.error));
      error.message = `worker ${end.name} failed: ${error.message}`;
      throw error;
    }
  }
}

/** Bumps a wake cell and wakes whoever waits on it (the worker side of LabTeam.waitFor). */
export function signalChange(cells: Int32Array, index: number): void {
  Atomics.add(cells, index, 1);
  Atomics.notify(cells, index);
}
