/**
 * Unit 06, daemons: the seed's three kinds of background work (sporadic,
 * periodic, long-running) on the event loop, each stoppable with stop() or an
 * AbortSignal, and a shutdown coordinator for Ctrl-C and SIGTERM. Threads and
 * processes that are daemons: `new Thread({ daemon: true })`,
 * `new Process({ daemon: true })` (units 01 and 03).
 */
export type { Daemon, DaemonClock, DaemonKind, DaemonOptions } from './daemon.js';
export { periodic, type PeriodicDaemon, type PeriodicOptions } from './periodic.js';
export { sporadic, type SporadicDaemon, type SporadicOptions, type Trigger } from './sporadic.js';
export { longRunning, watchPath, type PathChange } from './long-running.js';
export {
  ShutdownCoordinator,
  type ShutdownHandler,
  type ShutdownOptions,
  type ShutdownReport,
  type ShutdownStep,
  type ListenOptions,
} from './shutdown.js';
export { whatOutlivesItsParent, type LifetimeResult, type LifetimeRow } from './lifetime-demo.js';
export { runShutdownDemo, type ShutdownDemoResult } from './shutdown-demo.js';
export { runThreeDaemons, type ThreeKindsResult } from './three-kinds-demo.js';
