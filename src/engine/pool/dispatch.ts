/**
 * How a pool hands queued tasks to its workers: a dispatch policy.
 *
 * `oneAtATime` is the plain rule the lesson teaches: an idle worker gets the
 * next task, in a message of its own. Simple, and right for long tasks. But for
 * tiny tasks the message, not the task, is what costs: a worker spends most of
 * its time waiting for the next one.
 *
 * `batched()` is the fast path (the kit's default):
 * - It learns how long a task of each function takes (a moving mean of the
 *   batches' running times) and sizes batches from that: tiny tasks travel
 *   hundreds per message, long ones one by one (so no worker idles while another
 *   still has a backlog). A batch is also at most a quarter of each worker's fair
 *   share of the queue, and at most 512 tasks.
 * - Workers running tiny tasks get one more batch in advance (two in flight), so
 *   they never wait for the next message.
 * - A task marked `alone` (retried after a crash in a batch) travels by itself,
 *   so the pool can tell which task of a crashed batch was the culprit.
 *
 * Piscina, by comparison, keeps one task in flight per worker by default
 * (`concurrentTasksPerWorker: 1`); bench/04-pools.bench.ts measures both.
 */
import type { PoolWorker } from './pool-worker.js';
import type { PendingTask } from './task.js';
import type { TaskQueue } from './task-queue.js';

export interface DispatchPolicy {
  readonly name: 'one-at-a-time' | 'batched';
  /** When no worker is idle and no new one may start: a busy worker that may take a batch ahead, if any. */
  workerToSendAhead(workers: readonly PoolWorker[], next: PendingTask): PoolWorker | undefined;
  /** Takes the tasks of the next message from the queue (skipping tasks already settled). */
  takeBatch(queue: TaskQueue<PendingTask>, poolSize: number): PendingTask[];
  /** A batch ran for `ms`: the batched policy learns its function's task time. */
  learn(batch: readonly PendingTask[], ms: number): void;
}

/** The plain rule: one task per message, one message per idle worker. */
export const oneAtATime: DispatchPolicy = {
  name: 'one-at-a-time',
  workerToSendAhead: () => undefined,
  takeBatch: (queue) => {
    for (let task = queue.shift(); task; task = queue.shift()) if (!task.settled) return [task];
    return [];
  },
  learn: () => {},
};

/** Batches sent to a worker ahead of its results (1 running + 1 waiting), for tasks shorter than SEND_AHEAD_BELOW_MS. */
const BATCHES_IN_FLIGHT = 2;
const SEND_AHEAD_BELOW_MS = 1;
/** How long a batch should take to run, at most (when task times are known). */
const TARGET_BATCH_MS = 4;
/** Most tasks in one message. */
const MAX_BATCH = 512;
/** Weight of the newest measurement in a function's mean task time. */
const SMOOTHING = 0.3;

/** The fast path: batches sized from measured task times, and a batch in advance for tiny tasks. */
export function batched(): DispatchPolicy {
  return {
    name: 'batched',
    workerToSendAhead(workers, next) {
      const mean = next.fn.meanTaskMs;
      if (mean === undefined || mean >= SEND_AHEAD_BELOW_MS) return undefined;
      let best: PoolWorker | undefined;
      for (const worker of workers) {
        if (worker.batches.length < BATCHES_IN_FLIGHT && (!best || worker.batches.length < best.batches.length)) best = worker;
      }
      return best;
    },
    takeBatch(queue, poolSize) {
      const fairShare = Math.ceil(queue.length / (poolSize * 4));
      const mean = queue.peek()?.fn.meanTaskMs;
      const forTarget = mean === undefined ? Infinity : Math.max(1, Math.floor(TARGET_BATCH_MS / mean));
      const limit = Math.min(MAX_BATCH, fairShare, forTarget);
      const batch: PendingTask[] = [];
      while (batch.length < limit) {
        const next = queue.peek();
        if (!next || (next.alone && batch.length > 0)) break;
        queue.shift();
        if (next.settled) continue;
        batch.push(next);
        if (next.alone) break;
      }
      return batch;
    },
    learn(batch, ms) {
      const perTask = ms / batch.length;
      let previous: PendingTask['fn'] | undefined;
      for (const { fn } of batch) {
        if (fn === previous) continue;
        previous = fn;
        fn.meanTaskMs = fn.meanTaskMs === undefined ? perTask : fn.meanTaskMs + SMOOTHING * (perTask - fn.meanTaskMs);
      }
    },
  };
}
