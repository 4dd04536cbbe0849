/**
 * Units 01 and 03: what starting a kit Thread or Process costs over starting a
 * bare worker thread or a bare child process. Median of per-round ratios over
 * interleaved rounds (bench/side-by-side.ts), after a warm-up.
 *
 * - kit Thread: `start()` to `join()` giving the result of a trivial target
 *   (the worker is gone by then), against a bare `new Worker(code, { eval: true })`
 *   whose code posts one message, timed to its 'exit';
 * - kit Process vs bare `fork(tiny.mjs)` (advanced serialization, one
 *   `process.send`), the same way, to the child's 'close'.
 * Goals: Thread <= 1.1 x bare, Process <= 1.2 x bare.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Thread } from '../src/01-threads-vs-async/thread.js';
import { Process } from '../src/03-processes-queues-pipes/process.js';
import { printTable, type BenchRow } from './report.js';
import { milliseconds, sideBySide } from './side-by-side.js';

const ROUNDS = 30;
const WARMUP = 3;

const folder = mkdtempSync(join(tmpdir(), 'bench-thread-start-'));
const tinyChild = join(folder, 'tiny-child.mjs');
writeFileSync(tinyChild, 'process.send(1, () => process.exit(0));\n');

async function kitThread(): Promise<void> {
  const thread = new Thread({ target: () => 1 });
  thread.start();
  if ((await thread.join()) !== 1) throw new Error('wrong result');
}

async function bareWorker(): Promise<void> {
  // execArgv: [] as the kit does, so neither side inherits this process's tsx loader.
  const worker = new Worker("require('node:worker_threads').parentPort.postMessage(1);", { eval: true, execArgv: [] });
  const [message] = await Promise.all([once(worker, 'message'), once(worker, 'exit')]);
  if (message[0] !== 1) throw new Error('wrong result');
}

async function kitProcess(): Promise<void> {
  const proc = new Process({ target: () => 1 });
  proc.start();
  if ((await proc.join()) !== 1) throw new Error('wrong result');
}

async function bareFork(): Promise<void> {
  const child = fork(tinyChild, [], { execArgv: [], serialization: 'advanced', stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  child.stdout?.resume();
  child.stderr?.resume();
  await Promise.all([once(child, 'message'), once(child, 'close')]);
}

async function compare(
  label: string,
  kit: () => Promise<void>,
  bare: () => Promise<void>,
  bareName: string,
  goal: number,
): Promise<BenchRow> {
  for (let round = 0; round < WARMUP; round++) await Promise.all([kit(), bare()]);
  const times = await sideBySide({ kit: () => milliseconds(kit), bare: () => milliseconds(bare) }, 'bare', ROUNDS);
  return {
    benchmark: `${label} start → join result (${ROUNDS} rounds)`,
    value: times.median.kit,
    unit: 'ms',
    baseline: `${bareName} start → exit`,
    baselineValue: times.median.bare,
    ratio: times.ratio.kit,
    goal: `<= ${goal} x bare`,
    met: times.ratio.kit <= goal,
  };
}

try {
  const rows = [
    await compare('kit Thread', kitThread, bareWorker, 'bare eval Worker', 1.1),
    await compare('kit Process', kitProcess, bareFork, 'bare fork', 1.2),
  ];
  printTable('Thread and Process start latency, trivial target (median of per-round ratios)', rows);
} finally {
  rmSync(folder, { recursive: true, force: true });
}
