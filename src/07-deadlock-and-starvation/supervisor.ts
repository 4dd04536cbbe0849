/**
 * A watchdog that keeps a team of workers out of deadlock: it watches the
 * wait-for graph of the team's locks and, each time a cycle holds, picks a
 * victim among the threads in the cycle and breaks the cycle there.
 *
 * Two ways to break it:
 * - 'give-up' (the default, and the one that works): the victim is asked,
 *   through its give-up flag, to stop waiting; it releases the lock it holds,
 *   backs off and retries later. This needs the cooperation of the victim, which
 *   waits in slices and looks at its flag (worker-steps.ts), like a database
 *   aborting and retrying a transaction.
 * - 'terminate': the victim's thread is ended. That does *not* free its locks:
 *   the kit's Lock, like a POSIX mutex, is released only by its holder, and a dead
 *   thread never will. The other threads stay stuck, now waiting for a lock
 *   held by a thread that no longer exists. Shown by the deadlock lab on purpose.
 *
 * The victim is the youngest thread in the cycle (the last member started), a
 * common choice: it has usually done the least work.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { LabTeam } from '../05-races-and-locks/labs/lab-team.js';
import { buildWaitForGraph, threadsInCycle, watchForDeadlock, type LockView, type WaitForGraph } from './wait-for-graph.js';

export type BreakMethod = 'give-up' | 'terminate';

export interface DeadlockFound {
  /** The graph when the cycle was confirmed. */
  readonly graph: WaitForGraph;
  /** Milliseconds from the team's start to the confirmation. */
  readonly afterMs: number;
  /** Name of the thread chosen to break the cycle. */
  readonly victim: string;
  readonly brokenBy: BreakMethod;
  /** 'give-up': whether the victim took the request before the deadline. */
  readonly victimResponded: boolean;
}

export interface SuperviseOptions {
  readonly pollMs: number;
  readonly confirmations: number;
  /** performance.now() time after which supervision ends. */
  readonly deadline: number;
  /** performance.now() time the team started (for `afterMs`). */
  readonly startedAt: number;
  readonly breakBy: BreakMethod;
}

/**
 * Watches until every member has ended or the deadline passes, breaking each
 * deadlock found. With 'terminate' it stops after the first one (the rest of the
 * team cannot be helped that way). Returns the deadlocks found, in order.
 */
export async function superviseTeam(
  team: LabTeam<unknown>,
  locks: Readonly<Record<string, LockView>>,
  options: SuperviseOptions,
): Promise<DeadlockFound[]> {
  const names = team.threadNames;
  const memberIndex = new Map(team.threads.map((thread, index) => [thread.name, index]));
  const found: DeadlockFound[] = [];
  const over = (): boolean => team.allEnded || performance.now() >= options.deadline;
  for (;;) {
    const graph = await watchForDeadlock(() => buildWaitForGraph(locks, names), {
      pollMs: options.pollMs,
      confirmations: options.confirmations,
      until: over,
    });
    if (graph === undefined) return found;
    const afterMs = performance.now() - options.startedAt;
    const candidates = threadsInCycle(graph).filter((node) => memberIndex.has(node.id));
    if (candidates.length === 0) return [...found, { graph, afterMs, victim: '', brokenBy: options.breakBy, victimResponded: false }];
    const victim = candidates.reduce((youngest, node) => (memberIndex.get(node.id)! > memberIndex.get(youngest.id)! ? node : youngest));
    const index = memberIndex.get(victim.id)!;
    if (options.breakBy === 'terminate') {
      await team.terminate(index);
      return [...found, { graph, afterMs, victim: victim.id, brokenBy: 'terminate', victimResponded: false }];
    }
    team.control.requestGiveUp(index);
    while (team.control.giveUpPending(index) && team.threads[index].isAlive && performance.now() < options.deadline) {
      await delay(options.pollMs);
    }
    const victimResponded = !team.control.giveUpPending(index);
    found.push({ graph, afterMs, victim: victim.id, brokenBy: 'give-up', victimResponded });
    if (!victimResponded) return found;
  }
}
