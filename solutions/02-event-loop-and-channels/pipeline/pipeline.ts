/**
 * A pipeline of stages joined by bounded channels, with cancellation.
 *
 *   source ──► ch0 ──► stage 0 ──► ch1 ──► stage 1 ──► ... ──► chN ──► collector
 *
 * Every stage is one async task that receives from the channel before it and sends
 * to the channel after it, so values keep their order. Channels hold at most
 * `capacity` values: when a stage is slow, the ones before it wait in `send`
 * (backpressure), and the source is not read further ahead than the buffers allow.
 *
 * One AbortSignal stops everything: the caller's signal, or the first error of
 * any stage (or of the source). Waiting sends and receives are withdrawn, each
 * stage function gets the signal to stop its own work, the source is closed
 * (its iterator's `return()` runs), and `runStages` rejects only after every task
 * it started has ended.
 */
import { Channel } from 'course-kit/02-event-loop-and-channels/channel';

/** One stage: turns a value into the next one (sync or async). `signal` aborts when the pipeline is canceled. */
// `any`, not `unknown`: a stage written for numbers, `(x: number) => x * 2`, must fit.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Stage = (value: any, signal: AbortSignal) => unknown;

export interface PipelineOptions {
  /** Room in every channel between two neighbours (an integer >= 0; 0 = unbuffered, a rendezvous). */
  capacity: number;
  /** Cancels the pipeline: it then rejects with `signal.reason`. */
  signal?: AbortSignal;
}

/** Runs every value of `source` through `stages` in order; resolves with the outputs in source order. */
export async function runStages(
  source: Iterable<unknown> | AsyncIterable<unknown>,
  stages: readonly Stage[],
  options: PipelineOptions,
): Promise<unknown[]> {
  const { capacity, signal } = options;
  if (!Number.isInteger(capacity) || capacity < 0) {
    throw new RangeError(`capacity must be an integer >= 0, got ${String(capacity)}`);
  }
  if (stages.some((stage) => typeof stage !== 'function')) throw new TypeError('every stage must be a function');
  // channels[i] feeds stage i; the last one feeds the collector.
  const channels = stages.map((_, i) => new Channel<unknown>(capacity, { name: `into-stage-${i}` }));
  channels.push(new Channel<unknown>(capacity, { name: 'into-collector' }));
  return connect(source, stages, channels, signal);
}

/**
 * Starts one task for the source, one per stage and one collector, joined by
 * `channels`. Channel methods: `send(value, { signal })`, `recv({ signal })` →
 * `{ value, ok }` (ok false once closed and drained), `close()`.
 */
async function connect(
  source: Iterable<unknown> | AsyncIterable<unknown>,
  stages: readonly Stage[],
  channels: Channel<unknown>[],
  outerSignal: AbortSignal | undefined,
): Promise<unknown[]> {
  // BEGIN SOLUTION
  outerSignal?.throwIfAborted();
  const cancel = new AbortController();
  const { signal } = cancel;
  const stop = (reason: unknown): void => {
    if (!signal.aborted) cancel.abort(reason);
  };
  const onOuterAbort = (): void => stop(outerSignal?.reason);
  outerSignal?.addEventListener('abort', onOuterAbort, { once: true });

  /** Runs a task; its first failure cancels every other task. */
  const task = async <T>(body: () => Promise<T>): Promise<T> => {
    try {
      return await body();
    } catch (error) {
      stop(error);
      throw error;
    }
  };

  const feed = task(async () => {
    for await (const value of source) {
      await channels[0].send(value, { signal }); // throwing here leaves the loop: the source's return() runs
    }
    channels[0].close();
  });
  const run = stages.map((stage, i) =>
    task(async () => {
      const input = channels[i];
      const output = channels[i + 1];
      for (;;) {
        const received = await input.recv({ signal });
        if (!received.ok) break;
        const result = await stage(received.value, signal);
        signal.throwIfAborted();
        await output.send(result, { signal });
      }
      output.close();
    }),
  );
  const collect = task(async () => {
    const results: unknown[] = [];
    const last = channels[channels.length - 1];
    for (;;) {
      const received = await last.recv({ signal });
      if (!received.ok) return results;
      results.push(received.value);
    }
  });

  try {
    const settled = await Promise.allSettled([feed, ...run, collect]);
    if (signal.aborted) throw signal.reason;
    const outcome = settled[settled.length - 1] as PromiseFulfilledResult<unknown[]>;
    return outcome.value;
  } finally {
    outerSignal?.removeEventListener('abort', onOuterAbort);
  }
  // END SOLUTION
}
