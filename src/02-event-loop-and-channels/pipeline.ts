/**
 * A fan-out / fan-in pipeline of channels, the Go way, on one event loop.
 *
 *   source ──► jobs (capacity n) ──► worker 1 ┐
 *                                 ├─► worker 2 ├─► results (capacity n) ──► collector
 *                                 └─► worker k ┘
 *
 * The producer blocks (awaits) when `jobs` is full, and workers block when
 * `results` is full: that is backpressure, and it bounds memory however fast the
 * source is. Closing `jobs` tells the workers there is no more work; when the
 * last worker ends, `results` is closed and the collector's loop ends. An
 * AbortSignal cancels everything: waiting sends and receives are withdrawn and
 * the pipeline rejects with the signal's reason.
 *
 * These are async tasks, not threads: they take turns on one thread, so they
 * help when stages wait (I/O, timers), not when they compute.
 */
import type { ChartConfiguration } from 'chart.js';
import { checkOptions, checkPositiveInteger, checkSignal, checkCount } from '../engine/validate.js';
import { Channel } from './channel.js';

export interface PipelineOptions {
  /** Concurrent stage tasks (default 3). */
  workers?: number;
  /** Buffer of each channel; 0 is unbuffered (default 8). */
  capacity?: number;
  signal?: AbortSignal;
}

export interface PipelineRun<R> {
  /** Results in completion order, with the index of the item each came from. */
  results: Array<{ index: number; value: R }>;
  /** Most items that were between the source and the collector at once. */
  maxInFlight: number;
}

/** Runs `stage` on every item of `source` through a fan-out / fan-in pipeline. */
export async function runPipeline<T, R>(
  source: Iterable<T>,
  stage: (item: T) => R | Promise<R>,
  options?: PipelineOptions,
): Promise<PipelineRun<R>> {
  const given = checkOptions(options, 'options');
  const workers = checkPositiveInteger(given.workers ?? 3, 'workers');
  const capacity = checkCount(given.capacity ?? 8, 'capacity');
  const signal = checkSignal(given.signal, 'signal');
  if (typeof stage !== 'function') throw new TypeError('stage must be a function (item) => result');
  signal?.throwIfAborted();

  const jobs = new Channel<{ index: number; item: T }>(capacity, { name: 'jobs' });
  const results = new Channel<{ index: number; value: R }>(capacity, { name: 'results' });
  let inFlight = 0;
  let maxInFlight = 0;

  const produce = async (): Promise<void> => {
    let index = 0;
    for (const item of source) {
      await jobs.send({ index: index++, item }, { signal });
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
    }
    jobs.close();
  };
  const work = async (): Promise<void> => {
    for (;;) {
      const job = await jobs.recv({ signal });
      if (!job.ok) return;
      await results.send({ index: job.value.index, value: await stage(job.value.item) }, { signal });
    }
  };
  const collect = async (): Promise<Array<{ index: number; value: R }>> => {
    const collected: Array<{ index: number; value: R }> = [];
    for (;;) {
      const result = await results.recv({ signal });
      if (!result.ok) return collected;
      inFlight--;
      collected.push(result.value);
    }
  };

  const collecting = collect();
  const working = Promise.all(Array.from({ length: workers }, work)).then(() => results.close());
  const settled = await Promise.allSettled([produce(), working, collecting]);
  const failure = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failure) throw failure.reason;
  return { results: await collecting, maxInFlight };
}

export interface BackpressureRow {
  capacity: number;
  maxInFlight: number;
  ms: number;
}

/**
 * The same pipeline (a fast source, a stage that waits `stageMs`) with each
 * channel capacity: how many items pile up between source and collector, and how
 * long it takes.
 */
export async function measureBackpressure(options?: {
  capacities?: number[];
  items?: number;
  stageMs?: number;
  workers?: number;
}): Promise<BackpressureRow[]> {
  const given = checkOptions(options, 'options');
  const capacities = given.capacities ?? [0, 1, 4, 16, 64];
  capacities.forEach((capacity, index) => checkCount(capacity, `capacities[${index}]`));
  const items = checkPositiveInteger(given.items ?? 200, 'items');
  const stageMs = checkCount(given.stageMs ?? 2, 'stageMs');
  const workers = checkPositiveInteger(given.workers ?? 4, 'workers');
  const rows: BackpressureRow[] = [];
  for (const capacity of capacities) {
    const start = performance.now();
    const run = await runPipeline(
      Array.from({ length: items }, (_, i) => i),
      (n) => new Promise<number>((resolve) => setTimeout(() => resolve(n), stageMs)),
      { workers, capacity },
    );
    rows.push({ capacity, maxInFlight: run.maxInFlight, ms: performance.now() - start });
  }
  return rows;
}

/** Items in flight and run time per channel capacity. */
export function backpressureChart(rows: BackpressureRow[]): ChartConfiguration {
  return {
    type: 'bar',
    data: {
      labels: rows.map((row) => `capacity ${row.capacity}`),
      datasets: [
        { label: 'most items in flight', data: rows.map((row) => row.maxInFlight), backgroundColor: '#1f77b4', yAxisID: 'items' },
        { label: 'run time (ms)', data: rows.map((row) => row.ms), backgroundColor: '#ff7f0e', yAxisID: 'ms' },
      ],
    },
    options: {
      plugins: { title: { display: true, text: 'Bounded channels: memory in flight vs run time' } },
      scales: {
        items: { type: 'linear', position: 'left', beginAtZero: true, title: { display: true, text: 'items in flight' } },
        ms: {
          type: 'linear',
          position: 'right',
          beginAtZero: true,
          title: { display: true, text: 'ms' },
          grid: { drawOnChartArea: false },
        },
      },
    },
  };
}
