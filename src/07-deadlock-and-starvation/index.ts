/**
 * Unit 07, deadlock and starvation: labs that make both happen on purpose, detect
 * them and fix them, without ever hanging the caller (each lab has a time bound
 * and ends every worker it started).
 * - deadlock: two workers, two Locks, AB/BA; the wait-for graph, its cycle, a
 *   watchdog that breaks it; the fixes (lock order, tryAcquire + back-off,
 *   timeout + retry) run for real; the graph drawn as PNG or SVG.
 * - dining philosophers: naive (deadlocks, detected and broken) vs resource
 *   ordering vs a waiter Semaphore(n - 1).
 * - starvation: the event loop starved by CPU loops, nextTick and microtask
 *   chains; an unfair test-and-set lock against a fair TicketLock.
 */
export { TicketLock, TICKET_LOCK_MAX_QUEUE, type TicketLockHandle } from './ticket-lock.js';
export { TestAndSetLock, type TestAndSetLockHandle } from './test-and-set-lock.js';
export {
  buildWaitForGraph,
  waitForGraphOfWaits,
  findCycle,
  describeCycle,
  threadsInCycle,
  watchForDeadlock,
  type LockView,
  type ThreadNames,
  type WaitForGraph,
  type WaitForNode,
  type WaitForEdge,
  type DeadlockWatchOptions,
} from './wait-for-graph.js';
export { waitForGraphPng, waitForGraphSvg, type WaitForPictureSize } from './wait-for-picture.js';
export type { BreakMethod, DeadlockFound } from './supervisor.js';
export type { PairStrategy } from './deadlock-tasks.js';
export {
  demonstrateDeadlock,
  runDeadlockFix,
  runDeadlockLab,
  deadlockFixChart,
  DEADLOCK_FIXES,
  type DeadlockDemo,
  type DeadlockDemoOptions,
  type DeadlockFixOptions,
  type DeadlockFixResult,
  type DeadlockLabOptions,
  type DeadlockLabResult,
  type PairWorkerReport,
} from './deadlock-lab.js';
export type { DiningStrategy } from './philosopher-tasks.js';
export {
  dinePhilosophers,
  compareDiningStrategies,
  diningChart,
  DINING_STRATEGIES,
  type DiningOptions,
  type DiningResult,
} from './philosophers.js';
export {
  measureLockFairness,
  compareLockFairness,
  lockFairnessChart,
  jainIndex,
  type FairnessLockKind,
  type LockFairnessOptions,
  type LockFairnessResult,
} from './lock-fairness.js';
export {
  measureEventLoopStarvation,
  eventLoopStarvationChart,
  runStarvationLab,
  STARVATION_SCENARIOS,
  MAX_BUSY_MS,
  type StarvationScenario,
  type EventLoopStarvationOptions,
  type StarvationRow,
  type StarvationLabOptions,
  type StarvationLabResult,
} from './starvation-lab.js';
