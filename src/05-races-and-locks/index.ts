/**
 * Unit 05 (races and locks): coordination primitives on shared memory (they work
 * across worker threads: send `x.handle`, rebuild with `X.from(handle)`) and on
 * the event loop (AsyncLock, AsyncSemaphore: between async tasks of one thread).
 */
export { Lock, LOCK_WAITER_SLOTS, type LockHandle } from './shared-lock.js';
export { Semaphore, type SemaphoreHandle } from './semaphore.js';
export { Condition, type ConditionHandle } from './condition.js';
export { Event, type EventHandle } from './event.js';
export { Barrier, BrokenBarrierError, MAX_BARRIER_PARTIES, type BarrierHandle } from './barrier.js';
export { AsyncLock, AsyncSemaphore, AcquireTimeoutError, type AcquireOptions, type Release } from './async-lock.js';
export type { SharedHandle } from './shared-cells.js';
// Labs: functions the unit 05 notebook calls; each returns plain data and has a chart function.
export { LabTimeoutError, LabWorkerError } from './labs/lab-team.js';
export {
  runRaceLab,
  raceLabDistributionChart,
  raceLabCostChart,
  RACE_LAB_VARIANTS,
  type RaceLabVariant,
  type RaceLabOptions,
  type RaceLabResult,
  type RaceLabRun,
  type RaceLabVariantResult,
} from './labs/race-lab.js';
export { lostUpdateVerdict, loopOverlapMs, type LostUpdateVerdict } from './labs/lost-update-verdict.js';
export {
  runAsyncRace,
  compareAsyncRace,
  asyncRaceChart,
  ASYNC_RACE_VERSIONS,
  type AsyncRaceVersion,
  type AsyncRaceOptions,
  type AsyncRaceResult,
  type AsyncRaceLogEntry,
  type AsyncRaceWithdrawal,
} from './labs/async-race.js';
export {
  runInterleaving,
  interleavingChart,
  INTERLEAVING_SCENARIOS,
  type InterleavingScenario,
  type InterleavingScenarioName,
  type InterleavingOptions,
  type InterleavingResult,
  type InterleavingRow,
  type InterleavingWait,
} from './labs/interleavings.js';
