/**
 * Worker side of the lock-fairness lab: take the lock, hold it a moment, release
 * it, and at once want it again, until the lab says stop. Every acquisition is
 * counted in shared memory, so the main thread sees the counts as they grow.
 * Nothing is done between a release and the next acquire: that is exactly the
 * moment an unfair lock lets the releasing thread win again.
 */
import { Lock, type LockHandle } from '../05-races-and-locks/shared-lock.js';
import { TeamControl, type TeamControlHandle } from '../05-races-and-locks/labs/team-control.js';
import { TestAndSetLock, type TestAndSetLockHandle } from './test-and-set-lock.js';
import { TicketLock, type TicketLockHandle } from './ticket-lock.js';

/** The locks compared: the unfair test-and-set lock, the fair ticket lock, and the kit's Lock (unit 05). */
export type FairnessLockKind = 'test-and-set' | 'ticket' | 'lock';

export interface LockHammerSpec {
  readonly index: number;
  readonly control: TeamControlHandle;
  readonly kind: FairnessLockKind;
  readonly handle: TestAndSetLockHandle | TicketLockHandle | LockHandle;
  /** How long each acquisition holds the lock (microseconds, busy). */
  readonly holdMicros: number;
}

interface AnyLock {
  acquire(timeout?: number): boolean;
  release(): void;
}

function attachLock(kind: FairnessLockKind, handle: LockHammerSpec['handle']): AnyLock {
  switch (kind) {
    case 'test-and-set':
      return TestAndSetLock.from(handle as TestAndSetLockHandle);
    case 'ticket':
      return TicketLock.from(handle as TicketLockHandle);
    default:
      return Lock.from(handle as LockHandle);
  }
}

/** Waits this long at most for one acquisition before looking at the stop flag again. */
const WAIT_SLICE_MS = 250;

/** Takes and releases the lock as fast as it can; returns how many times it got it. */
export function lockHammerTask(spec: LockHammerSpec): number {
  const control = TeamControl.from(spec.control);
  const lock = attachLock(spec.kind, spec.handle);
  const holdMs = spec.holdMicros / 1000;
  let acquisitions = 0;
  if (!control.arriveAndWaitForGo(10_000)) return acquisitions;
  while (!control.stopRequested) {
    if (!lock.acquire(WAIT_SLICE_MS)) continue;
    const until = performance.now() + holdMs;
    while (performance.now() < until) {
      // Busy: the critical section's work.
    }
    lock.release();
    acquisitions++;
    control.addProgress(spec.index);
  }
  return acquisitions;
}
