/**
 * Worker side of the deadlock lab: a worker that needs two locks at once.
 *
 * Each round it takes its first lock, pauses, then takes the second. In the
 * first round (but with 'ordered'), the workers also meet once they hold their
 * first locks, whatever the scheduler did, so the collision is certain: two
 * workers taking A then B and B then A deadlock every time. The strategies differ only in how the
 * second lock is taken, or in the order:
 * - 'naive': wait for it (a watchdog may ask this worker to give up: then it
 *   releases its first lock, backs off and tries the round again);
 * - 'ordered': take both in one global order (by rank), whatever order the
 *   worker would like: no cycle can form;
 * - 'try-backoff': `tryAcquire`; if taken, release the first lock, back off for
 *   a random time, retry;
 * - 'timeout-retry': `acquire(timeout)` with a random extra on the timeout; on
 *   timeout, release, back off, retry.
 * Randomness matters in the last two: two workers retrying on the same schedule
 * can collide forever (a livelock).
 */
import { Lock, type LockHandle } from '../05-races-and-locks/shared-lock.js';
import { TeamControl, type TeamControlHandle } from '../05-races-and-locks/labs/team-control.js';
import { acquireOrGiveUp, randomBackOff, type WaitEnd } from './worker-steps.js';

export type PairStrategy = 'naive' | 'ordered' | 'try-backoff' | 'timeout-retry';

export interface RankedLock {
  readonly name: string;
  /** Position in the global lock order ('ordered' takes lower ranks first). */
  readonly rank: number;
  readonly handle: LockHandle;
}

export interface LockPairSpec {
  readonly index: number;
  readonly control: TeamControlHandle;
  /** The two locks, in the order this worker would like to take them. */
  readonly locks: readonly [RankedLock, RankedLock];
  readonly strategy: PairStrategy;
  readonly rounds: number;
  /** Pause between taking the first and the second lock (ms). */
  readonly pauseMs: number;
  /** Longest random back-off before a retry (ms). */
  readonly backOffMs: number;
  /** 'timeout-retry': base timeout for the second lock (ms; a random extra up to the same is added). */
  readonly acquireTimeoutMs: number;
}

export interface LockPairResult {
  readonly rounds: number;
  readonly retries: number;
  /** Rounds this worker gave up on when a watchdog asked it to. */
  readonly gaveUp: number;
  /** It stopped early because the lab asked the team to stop. */
  readonly stopped: boolean;
}

/** How long a worker waits at the first-round meeting before going on anyway (ms). */
const MEETING_TIMEOUT_MS = 2000;

/** Runs `spec.rounds` rounds of "take two locks, then release both". */
export function lockPairTask(spec: LockPairSpec): LockPairResult {
  const control = TeamControl.from(spec.control);
  const ordered = spec.strategy === 'ordered' ? [...spec.locks].sort((a, b) => a.rank - b.rank) : [...spec.locks];
  const [first, second] = ordered.map((ranked) => Lock.from(ranked.handle));
  let rounds = 0;
  let retries = 0;
  let gaveUp = 0;
  // With one lock order a meeting would itself deadlock (the second worker waits for A): no meeting then.
  let meeting = spec.strategy !== 'ordered';
  if (!control.arriveAndWaitForGo(10_000)) return { rounds, retries, gaveUp, stopped: true };

  const takeSecond = (): WaitEnd | 'busy' => {
    switch (spec.strategy) {
      case 'try-backoff':
        return second.tryAcquire() ? 'acquired' : 'busy';
      case 'timeout-retry':
        return second.acquire(spec.acquireTimeoutMs * (1 + Math.random())) ? 'acquired' : 'busy';
      default:
        return acquireOrGiveUp(second, control, spec.index);
    }
  };

  while (rounds < spec.rounds) {
    if (control.stopRequested) return { rounds, retries, gaveUp, stopped: true };
    const firstEnd = acquireOrGiveUp(first, control, spec.index);
    if (firstEnd === 'stopped') return { rounds, retries, gaveUp, stopped: true };
    if (firstEnd === 'gave-up') continue; // holding nothing yet: just try again
    if (meeting) {
      meeting = false;
      control.meet(MEETING_TIMEOUT_MS);
    }
    control.pause(spec.pauseMs);
    const secondEnd = takeSecond();
    if (secondEnd === 'acquired') {
      // The critical section would go here: both locks are held.
      second.release();
      first.release();
      rounds++;
      control.addProgress(spec.index);
      continue;
    }
    first.release();
    if (secondEnd === 'stopped' || control.stopRequested) return { rounds, retries, gaveUp, stopped: true };
    if (secondEnd === 'gave-up') gaveUp++;
    retries++;
    control.addRetry(spec.index);
    randomBackOff(control, spec.backOffMs);
  }
  return { rounds, retries, gaveUp, stopped: false };
}
