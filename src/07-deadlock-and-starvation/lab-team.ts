/**
 * A team of worker threads for a lab, with a hard time bound.
 *
 * Each member is a kit Thread running an export of one of this unit's worker
 * modules (compiled, in dist/). The team shares a TeamControl (start gate, stop
 * and give-up flags, counters). The one promise a lab makes: it returns within
 * its time bound and leaves no worker behind, even when the workers deadlock.
 * `finish(deadline)` asks everyone to stop, waits for each until the deadline
 * and terminates whoever is still there; `terminateAll()` (in a finally) covers
 * errors. Terminating a worker is the last resort, not a fix: it does not
 * release the locks the worker holds (see the deadlock lab).
 */
import { setTimeout as delay } from 'node:timers/promises';
import { Thread } from '../01-threads-vs-async/thread.js';
import { compiledEntry } from '../paths.js';
import { TeamControl } from './team-control.js';

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
  readonly control: TeamControl;
  readonly threads: Thread<R>[];
  readonly #ends: Array<MemberEnd<R> | undefined>;

  /** Starts one Thread per member, running `members[i].task` from `workerModule` (a path under src/). */
  constructor(workerModule: string, members: readonly TeamMember[], control: TeamControl) {
    this.control = control;
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
    while (this.control.arrived < this.threads.length) {
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
    this.control.openGate();
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
    this.control.requestStop();
    await Promise.all(this.threads.map((_, index) => this.#endOf(index, deadline - performance.now())));
    return this.#ends as MemberEnd<R>[];
  }

  /** Terminates everyone still running (for finally blocks). */
  async terminateAll(): Promise<void> {
    this.control.requestStop();
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
