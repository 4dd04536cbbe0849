/**
 * Unit 04, pools: a worker pool with Python's `multiprocessing.Pool` API
 * (map, map_async, apply, apply_async, imap, imap_unordered, close, join,
 * terminate) on worker threads or child processes.
 */
export { Pool, type PoolOptions, type CallOptions, type MapOptions, type IterateOptions, type Task } from './pool.js';
export { AsyncResult } from './async-result.js';
export type { WorkerKind } from '../engine/pool/worker-handle.js';
export {
  PoolAbortError,
  PoolClosedError,
  PoolTerminatedError,
  PoolTimeoutError,
  TaskTimeoutError,
  WorkerCrashError,
} from '../engine/pool/errors.js';
export {
  measureDataAndTaskParallelism,
  renderRows,
  simulatePi,
  clusterPoints,
  type SplitOptions,
  type SplitResult,
  type SplitRow,
} from './data-and-task.js';
export { measureDispatchCost, type DispatchCost, type DispatchCostOptions } from './dispatch-cost.js';
export { measureSpeedup, speedupChart, amdahlSpeedup, type SpeedupOptions, type SpeedupResult, type SpeedupRow } from './speedup.js';
export { calibrateJob, computeJob } from '../01-threads-vs-async/cpu-job.js';
