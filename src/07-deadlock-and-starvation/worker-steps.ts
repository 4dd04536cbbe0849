/**
 * Steps the unit's worker tasks share: waiting for a lock in a way a watchdog can
 * interrupt, and backing off for a random time.
 *
 * A thread blocked in `lock.acquire()` cannot be talked to: it sleeps in
 * `Atomics.wait` until the lock's cell changes. So a task that may be chosen as a
 * deadlock's victim waits in short slices (`acquire(sliceMs)`) and, between
 * slices, looks at its give-up flag and at the team's stop flag. The slices are
 * only the way to listen; the thread keeps waiting for the same lock, and the
 * lock records it as a waiter all along (but for a moment between slices), so a
 * wait-for graph still sees it.
 *
 * Runs in workers only: it blocks.
 */
import type { Lock } from '../05-races-and-locks/shared-lock.js';
import type { TeamControl } from '../05-races-and-locks/labs/team-control.js';

/** How a cancelable wait for a lock ended. */
export type WaitEnd = 'acquired' | 'gave-up' | 'stopped';

/** Default slice: how quickly a waiting worker notices a give-up or stop request. */
export const LISTEN_SLICE_MS = 20;

/**
 * Waits for `lock` until it is taken ('acquired'), the watchdog asks member
 * `index` to give up ('gave-up': the caller must release what it holds), or the
 * lab asks the team to stop ('stopped').
 */
export function acquireOrGiveUp(lock: Lock, control: TeamControl, index: number, sliceMs = LISTEN_SLICE_MS): WaitEnd {
  for (;;) {
    if (control.stopRequested) return 'stopped';
    if (lock.acquire(sliceMs)) return 'acquired';
    if (control.takeGiveUp(index)) return 'gave-up';
  }
}

/** Sleeps a random time in [0, maxMs) (waking early on a stop): randomness breaks the symmetry of a retry. */
export function randomBackOff(control: TeamControl, maxMs: number): void {
  control.pause(Math.random() * maxMs);
}
