/**
 * Worker side of the dining philosophers: one philosopher, who thinks, takes two
 * forks (Locks), eats, puts them back, `meals` times.
 *
 * - 'naive': left fork, a pause, right fork. When all five pick up their left
 *   fork at once, each waits for a right fork its neighbour holds: a cycle of
 *   five, a deadlock. A watchdog may ask a philosopher to give up: it puts its
 *   left fork back, waits a random time and tries again.
 * - 'ordered': the lower-numbered fork first (resource ordering). The last
 *   philosopher then reaches for fork 0 before fork 4, which breaks the cycle.
 * - 'waiter': a Semaphore(n - 1) lets at most n - 1 philosophers reach for forks
 *   at once; one of them always gets both.
 */
import { Semaphore, type SemaphoreHandle } from '../05-races-and-locks/semaphore.js';
import { Lock, type LockHandle } from '../05-races-and-locks/shared-lock.js';
import { TeamControl, type TeamControlHandle } from '../05-races-and-locks/labs/team-control.js';
import { LISTEN_SLICE_MS, acquireOrGiveUp, randomBackOff } from './worker-steps.js';

export type DiningStrategy = 'naive' | 'ordered' | 'waiter';

export interface PhilosopherSpec {
  readonly index: number;
  readonly control: TeamControlHandle;
  /** Every fork on the table; philosopher i uses forks i (left) and (i + 1) mod n (right). */
  readonly forks: readonly LockHandle[];
  /** 'waiter': the semaphore with n - 1 seats. */
  readonly waiter?: SemaphoreHandle;
  readonly strategy: DiningStrategy;
  readonly meals: number;
  /** Pause between the first and the second fork (ms). */
  readonly pickupPauseMs: number;
  readonly eatMs: number;
  /** Longest random think before each meal (ms). */
  readonly thinkMs: number;
  /** Longest random back-off after giving up (ms). */
  readonly backOffMs: number;
}

export interface PhilosopherResult {
  readonly meals: number;
  readonly retries: number;
  readonly stopped: boolean;
}

/** How long a philosopher waits at the first-meal meeting before going on anyway (ms). */
const MEETING_TIMEOUT_MS = 2000;

/** Takes a seat from the waiter, listening for a stop; false if stopped. */
function takeSeat(waiter: Semaphore, control: TeamControl): boolean {
  while (!waiter.acquire(LISTEN_SLICE_MS)) {
    if (control.stopRequested) return false;
  }
  return true;
}

/** One philosopher's dinner. */
export function philosopherTask(spec: PhilosopherSpec): PhilosopherResult {
  const control = TeamControl.from(spec.control);
  const count = spec.forks.length;
  const leftIndex = spec.index;
  const rightIndex = (spec.index + 1) % count;
  const [firstIndex, secondIndex] =
    spec.strategy === 'ordered' ? [Math.min(leftIndex, rightIndex), Math.max(leftIndex, rightIndex)] : [leftIndex, rightIndex];
  const first = Lock.from(spec.forks[firstIndex]);
  const second = Lock.from(spec.forks[secondIndex]);
  const waiter = spec.strategy === 'waiter' && spec.waiter ? Semaphore.from(spec.waiter) : undefined;
  let meals = 0;
  let retries = 0;
  let meeting = spec.strategy === 'naive';
  const stopped = (): PhilosopherResult => ({ meals, retries, stopped: true });
  if (!control.arriveAndWaitForGo(10_000)) return stopped();

  while (meals < spec.meals) {
    if (control.stopRequested) return stopped();
    control.pause(Math.random() * spec.thinkMs);
    if (waiter && !takeSeat(waiter, control)) return stopped();
    const firstEnd = acquireOrGiveUp(first, control, spec.index);
    if (firstEnd !== 'acquired') {
      waiter?.release();
      if (firstEnd === 'stopped') return stopped();
      continue; // gave up while holding nothing: simply try again
    }
    if (meeting) {
      meeting = false;
      control.meet(MEETING_TIMEOUT_MS);
    }
    control.pause(spec.pickupPauseMs);
    const secondEnd = acquireOrGiveUp(second, control, spec.index);
    if (secondEnd === 'acquired') {
      control.pause(spec.eatMs);
      meals++;
      control.addProgress(spec.index);
      second.release();
    }
    first.release();
    waiter?.release();
    if (secondEnd === 'stopped') return stopped();
    if (secondEnd === 'gave-up') {
      retries++;
      control.addRetry(spec.index);
      randomBackOff(control, spec.backOffMs);
    }
  }
  return { meals, retries, stopped: false };
}
