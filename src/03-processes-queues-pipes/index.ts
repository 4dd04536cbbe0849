/**
 * Unit 03, processes, queues and pipes: Python's `multiprocessing.Process`,
 * `Queue` and `Pipe`, working between the main thread, worker threads and
 * child processes alike.
 */
export { Process, type ProcessOptions } from './process.js';
export { Queue, QueueClosedError, QueueTimeoutError, type QueueOptions, type QueueHandle, type WaitOptions } from './queue.js';
export { Pipe, PipeEnd, PipeClosedError, PipeTimeoutError, connection, type PipeOptions, type PipeEndHandle } from './pipe.js';
export { runEmptyCheckRace, type EmptyCheckRace, type EmptyCheckRaceOptions } from './empty-check-race.js';
export {
  measureTransferCosts,
  transferCostChart,
  type TransferCost,
  type TransferCostOptions,
  type TransferMode,
} from './transfer-costs.js';
