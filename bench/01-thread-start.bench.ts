/**
 * Units 01 and 03: what starting a kit Thread or Process costs over starting a
 * bare worker thread or a bare child process.
 *
 * Each round starts one of each, alternating, and times it to its end:
 * - kit Thread: `start()` to `join()` giving the result of a trivial target
 *   (the worker is gone by then);
 * - bare Worker: `new Worker(tiny.mjs)` that posts one message and ends, to its
 *   'exit' event; and to its first message, for reference;
 * - kit Process vs bare `fork(tiny.mjs)` (advanced serialization, one
 *   `process.send`), the same way, to the child's 'close'.
 * Medians of ROUNDS rounds after WARMUP, ratio kit / bare. Goal: <= 1.2.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Thread } from '../src/01-threads-vs-async/thread.js';
import { Process } from '../src/03-processes-queues-pipes/process.js';
import { printTable, type BenchRow } from './report.js';

const ROUNDS = 30;
const WARMUP = 3;
const GOAL = 1.2;

const folder = mkdtempSync(join(tmpdir(), 'bench-thread-start-'));
const tinyWorker = join(folder, 'tiny-worker.mjs');
writeFileSync(tinyWorker, "import { parentPort } from 'node:worker_threads';\nparentPort.postMessage(1);\n");
const tinyChild = join(folder, 'tiny-child.mjs');
writeFileSync(tinyChild, 'process.send(1, () => process.exit(0));\n');

interface Timing {
  /** ms from start to the first message. */
  firstMessage: number;
  /** ms from start to the end (worker 'exit', child 'close'). */
  end: number;
}

async function kitThread(): Promise<number> {
  const start = performance.now();
  const thread = new Thread({ target: () => 1 });
  thread.start();
  if ((await thread.join()) !== 1) throw new Error('wrong result');
  return performance.now() - start;
}

function bareWorker(): Promise<Timing> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    let firstMessage = NaN;
    // execArgv: [] as the kit does, so neither side inherits this process's tsx loader.
    const worker = new Worker(tinyWorker, { execArgv: [] });
    worker.once('message', () => (firstMessage = performance.now() - start));
    worker.once('error', reject);
    worker.once('exit', () => resolve({ firstMessage, end: performance.now() - start }));
  });
}

async function kitProcess(): Promise<number> {
  const start = performance.now();
  const proc = new Process({ target: () => 1 });
  proc.start();
  if ((await proc.join()) !== 1) throw new Error('wrong result');
  return performance.now() - start;
}

function bareFork(): Promise<Timing> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    let firstMessage = NaN;
    const child = fork(tinyChild, [], { execArgv: [], serialization: 'advanced', stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    child.stdout?.resume();
    child.stderr?.resume();
    child.once('message', () => (firstMessage = performance.now() - start));
    child.once('error', reject);
    child.once('close', () => resolve({ firstMessage, end: performance.now() - start }));
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function compare(label: string, kit: () => Promise<number>, bare: () => Promise<Timing>, bareName: string): Promise<BenchRow[]> {
  const kitTimes: number[] = [];
  const bareTimes: Timing[] = [];
  for (let round = 0; round < WARMUP + ROUNDS; round++) {
    // Alternate which side goes first, so neither always runs on a just-warmed machine.
    let kitTime: number;
    let bareTime: Timing;
    if (round % 2 === 0) {
      kitTime = await kit();
      bareTime = await bare();
    } else {
      bareTime = await bare();
      kitTime = await kit();
    }
    if (round < WARMUP) continue;
    kitTimes.push(kitTime);
    bareTimes.push(bareTime);
  }
  const kitMedian = median(kitTimes);
  const bareEnd = median(bareTimes.map((timing) => timing.end));
  const bareFirst = median(bareTimes.map((timing) => timing.firstMessage));
  return [
    {
      benchmark: `${label} start → join result (median of ${ROUNDS})`,
      value: kitMedian,
      unit: 'ms',
      baseline: `${bareName} start → end`,
      baselineValue: bareEnd,
      ratio: kitMedian / bareEnd,
      goal: `<= ${GOAL} x bare`,
      met: kitMedian / bareEnd <= GOAL,
    },
    {
      benchmark: `${label} start → join result vs bare first message`,
      value: kitMedian,
      unit: 'ms',
      baseline: `${bareName} start → first message`,
      baselineValue: bareFirst,
      ratio: kitMedian / bareFirst,
    },
  ];
}

try {
  const rows = [
    ...(await compare('kit Thread', kitThread, bareWorker, 'bare Worker')),
    ...(await compare('kit Process', kitProcess, bareFork, 'bare fork')),
  ];
  printTable('Thread and Process start latency (trivial target)', rows);
} finally {
  rmSync(folder, { recursive: true, force: true });
}
