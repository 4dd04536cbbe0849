/**
 * What it costs to hand data to another thread: copy, transfer or share.
 *
 * - copy: `postMessage(buffer)` clones the bytes (structured clone); both sides
 *   then hold their own copy. This is what every Thread argument, Queue item and
 *   Pipe message does.
 * - transfer: `postMessage(buffer, [buffer])` moves the memory itself; no bytes
 *   are copied, and the sender's buffer becomes empty (detached).
 * - share: a SharedArrayBuffer is the same memory on both sides; only a
 *   reference crosses. Both sides can then write it at once: that is where races
 *   come from (unit 05).
 *
 * `measureTransferCosts` times one round trip (main → worker → main) of a buffer
 * of each size in each mode, on one echo worker, and returns the medians and the
 * fastest times.
 */
import type { ChartConfiguration } from 'chart.js';
import { Worker } from 'node:worker_threads';
import { checkOptions, checkPositiveInteger } from '../engine/validate.js';

export type TransferMode = 'copy' | 'transfer' | 'share';

export interface TransferCost {
  mode: TransferMode;
  megabytes: number;
  /** Median round trip in ms. */
  roundTripMs: number;
  /** Fastest round trip in ms: the cost itself, with the least noise from a busy machine. */
  fastestMs: number;
}

export interface TransferCostOptions {
  /** Buffer sizes in MB (default [1, 8, 32]). */
  sizesMB?: number[];
  /** Round trips per size and mode; the median is kept (default 5). */
  repeats?: number;
}

/** The echo worker: sends back what it gets, transferring it back when it came transferred. */
const ECHO_WORKER = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', ({ buffer, mode }) => {
  if (mode === 'transfer') parentPort.postMessage(buffer, [buffer]);
  else parentPort.postMessage(buffer);
});
`;

const MODES: TransferMode[] = ['copy', 'transfer', 'share'];

/** Times round trips of buffers to a worker and back, by mode and size. */
export async function measureTransferCosts(options?: TransferCostOptions): Promise<TransferCost[]> {
  const given = checkOptions(options, 'options');
  const sizes = given.sizesMB ?? [1, 8, 32];
  if (!Array.isArray(sizes) || sizes.length === 0) throw new TypeError('sizesMB must be a non-empty array of sizes in MB');
  sizes.forEach((size, index) => checkPositiveInteger(size, `sizesMB[${index}]`));
  const repeats = checkPositiveInteger(given.repeats ?? 5, 'repeats');

  const worker = new Worker(ECHO_WORKER, { eval: true });
  const roundTrip = (buffer: ArrayBufferLike, mode: TransferMode): Promise<number> =>
    new Promise((resolve, reject) => {
      const started = performance.now();
      const onMessage = (): void => {
        worker.off('error', onError);
        resolve(performance.now() - started);
      };
      const onError = (error: Error): void => {
        worker.off('message', onMessage);
        reject(error);
      };
      worker.once('message', onMessage);
      worker.once('error', onError);
      if (mode === 'transfer') worker.postMessage({ buffer, mode }, [buffer as ArrayBuffer]);
      else worker.postMessage({ buffer, mode });
    });
  try {
    const costs: TransferCost[] = [];
    for (const megabytes of sizes) {
      for (const mode of MODES) {
        const times: number[] = [];
        for (let i = 0; i < repeats; i++) {
          const bytes = megabytes * 1024 * 1024;
          const buffer = mode === 'share' ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
          new Uint8Array(buffer).fill(1); // touch the pages, so copying costs what it really costs
          times.push(await roundTrip(buffer, mode));
        }
        times.sort((a, b) => a - b);
        costs.push({ mode, megabytes, roundTripMs: times[Math.floor(times.length / 2)], fastestMs: times[0] });
      }
    }
    return costs;
  } finally {
    await worker.terminate();
  }
}

/** A grouped bar chart: round-trip time per buffer size, one bar per mode (log scale). */
export function transferCostChart(costs: TransferCost[]): ChartConfiguration {
  const sizes = [...new Set(costs.map((cost) => cost.megabytes))];
  const decadeAbove = 10 ** Math.ceil(Math.log10(Math.max(...costs.map((cost) => cost.roundTripMs), 1)));
  const colors: Record<TransferMode, string> = { copy: '#d62728', transfer: '#1f77b4', share: '#2ca02c' };
  return {
    type: 'bar',
    data: {
      labels: sizes.map((size) => `${size} MB`),
      datasets: MODES.map((mode) => ({
        label: mode,
        backgroundColor: colors[mode],
        data: sizes.map((size) => costs.find((cost) => cost.mode === mode && cost.megabytes === size)?.roundTripMs ?? 0),
      })),
    },
    options: {
      plugins: { title: { display: true, text: 'Round trip main → worker → main (median, ms, log scale)' } },
      scales: {
        y: {
          type: 'logarithmic',
          max: decadeAbove,
          title: { display: true, text: 'ms' },
          ticks: { callback: (value) => (Number.isInteger(Math.log10(Number(value))) ? String(value) : '') },
        },
      },
    },
  };
}
