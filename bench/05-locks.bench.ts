/**
 * Units 05 and 02: what coordination costs.
 *
 * 1. Lock (shared memory) acquire + increment + release per second, in 1 worker
 *    (uncontended) and in 2 workers on the same lock (contended), against the same
 *    number of bare `Atomics.add` on the same kind of counter, in as many workers.
 * 2. AsyncLock acquire + release per second on the main thread, against a bare
 *    `await Promise.resolve()` loop (the price of one trip through the microtask queue),
 *    and against async-mutex's Mutex (the usual npm choice) doing the same: alone,
 *    and with CONTENDERS tasks queueing for the lock at once.
 * 3. Channel throughput (messages/s, one sender task and one receiver task) with a
 *    buffer of 64 and unbuffered, against the same bare await loop.
 * Best of 3 rounds for every figure; ratios are kit / baseline from this run.
 */
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Mutex } from 'async-mutex';
import { Channel } from '../src/02-event-loop-and-channels/channel.js';
import { AsyncLock } from '../src/05-races-and-locks/async-lock.js';
import { compiledEntry } from '../src/paths.js';
import { printTable, type BenchRow } from './report.js';
import { ratioTo, sideBySide, type SideBySide } from './side-by-side.js';

const LOCK_OPS = 2_000_000; // per measurement, split between the workers
const ASYNC_OPS = 300_000;
const MESSAGES = 300_000;
const ROUNDS = 5;
const CONTENDERS = 8; // tasks wanting the async lock at the same time

const moduleUrl = pathToFileURL(compiledEntry('05-races-and-locks/shared-lock.ts')).href;

/** Worker body: waits at a start gate, runs `ops` increments, reports [start, end] in epoch ms. */
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
(async () => {
  const { Lock } = await import(workerData.moduleUrl);
  const { mode, ops, lockHandle, counter, gate } = workerData;
  const cells = new Int32Array(counter);
  const gateCells = new Int32Array(gate);
  const lock = Lock.from(lockHandle);
  Atomics.add(gateCells, 1, 1);
  Atomics.wait(gateCells, 0, 0, 10000);
  const start = performance.timeOrigin + performance.now();
  if (mode === 'lock') {
    for (let i = 0; i < ops; i++) { lock.acquire(); cells[0]++; lock.release(); }
  } else {
    for (let i = 0; i < ops; i++) Atomics.add(cells, 0, 1);
  }
  parentPort.postMessage([start, performance.timeOrigin + performance.now()]);
})().catch((error) => parentPort.postMessage({ error: String(error.stack) }));
`;

/** Operations per second of `mode` spread over `workers` workers (timed inside the workers). */
async function sharedRate(mode: 'lock' | 'atomics', workers: number): Promise<number> {
  const { Lock } = await import('../src/05-races-and-locks/shared-lock.js');
  const lock = new Lock();
  const counter = new SharedArrayBuffer(4);
  const gate = new Int32Array(new SharedArrayBuffer(8));
  const ops = LOCK_OPS / workers;
  const threads = Array.from(
    { length: workers },
    () =>
      new Worker(WORKER_SOURCE, { eval: true, workerData: { moduleUrl, mode, ops, lockHandle: lock.handle, counter, gate: gate.buffer } }),
  );
  try {
    const spans = threads.map(
      (thread) =>
        new Promise<[number, number]>((resolve, reject) => {
          thread.once('message', (message) =>
            Array.isArray(message) ? resolve(message as [number, number]) : reject(new Error(message.error)),
          );
          thread.once('error', reject);
        }),
    );
    while (Atomics.load(gate, 1) < workers) await new Promise((resolve) => setTimeout(resolve, 5));
    Atomics.store(gate, 0, 1);
    Atomics.notify(gate, 0);
    const times = await Promise.all(spans);
    const total = new Int32Array(counter)[0];
    if (total !== LOCK_OPS) throw new Error(`${mode}: counter is ${total}, expected ${LOCK_OPS}`);
    const elapsed = Math.max(...times.map(([, end]) => end)) - Math.min(...times.map(([start]) => start));
    return LOCK_OPS / (elapsed / 1000);
  } finally {
    await Promise.all(threads.map((thread) => thread.terminate()));
  }
}

async function bareAwaitRate(): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < ASYNC_OPS; i++) await Promise.resolve();
  return ASYNC_OPS / ((performance.now() - start) / 1000);
}

async function asyncLockRate(): Promise<number> {
  const lock = new AsyncLock();
  const start = performance.now();
  for (let i = 0; i < ASYNC_OPS; i++) {
    const release = await lock.acquire();
    release();
  }
  return ASYNC_OPS / ((performance.now() - start) / 1000);
}

async function mutexRate(): Promise<number> {
  const mutex = new Mutex();
  const start = performance.now();
  for (let i = 0; i < ASYNC_OPS; i++) {
    const release = await mutex.acquire();
    release();
  }
  return ASYNC_OPS / ((performance.now() - start) / 1000);
}

/** Acquire + release per second with CONTENDERS tasks taking turns (each waits in the lock's queue). */
async function contendedRate(lock: { acquire(): Promise<() => void> }): Promise<number> {
  const perTask = ASYNC_OPS / CONTENDERS;
  let inside = 0;
  const task = async (): Promise<void> => {
    for (let i = 0; i < perTask; i++) {
      const release = await lock.acquire();
      if (++inside !== 1) throw new Error('two tasks inside the lock at once');
      await Promise.resolve(); // hold the lock across an await, so the others queue up
      inside--;
      release();
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: CONTENDERS }, task));
  return ASYNC_OPS / ((performance.now() - start) / 1000);
}

async function channelRate(capacity: number): Promise<number> {
  const channel = new Channel<number>(capacity);
  const start = performance.now();
  const sender = (async () => {
    for (let i = 0; i < MESSAGES; i++) await channel.send(i);
    channel.close();
  })();
  let received = 0;
  for await (const value of channel) {
    if (value !== received) throw new Error(`channel: got ${value}, expected ${received}`);
    received++;
  }
  await sender;
  return MESSAGES / ((performance.now() - start) / 1000);
}

/** One row: a kit side against its baseline, from side-by-side rounds. */
function row(benchmark: string, result: SideBySide<string>, kit: string, unit: string, baseline: string, against: string): BenchRow {
  return {
    benchmark,
    value: result.median[kit],
    unit,
    baseline,
    baselineValue: result.median[against],
    ratio: ratioTo(result, kit, against),
  };
}

const shared = await sideBySide(
  {
    atomics1: () => sharedRate('atomics', 1),
    lock1: () => sharedRate('lock', 1),
    atomics2: () => sharedRate('atomics', 2),
    lock2: () => sharedRate('lock', 2),
  },
  'atomics1',
  ROUNDS,
);
const onMain = await sideBySide(
  {
    bare: bareAwaitRate,
    asyncLock: asyncLockRate,
    mutex: mutexRate,
    asyncLockContended: () => contendedRate(new AsyncLock()),
    mutexContended: () => contendedRate(new Mutex()),
    buffered: () => channelRate(64),
    unbuffered: () => channelRate(0),
  },
  'bare',
  ROUNDS,
);

printTable(`Unit 05/02: coordination costs (median of per-round ratios, ${ROUNDS} interleaved rounds; ratio = kit / baseline)`, [
  row('Lock acquire+release, uncontended (1 worker)', shared, 'lock1', 'ops/s', 'Atomics.add, 1 worker', 'atomics1'),
  row('Lock acquire+release, contended (2 workers)', shared, 'lock2', 'ops/s', 'Atomics.add, 2 workers', 'atomics2'),
  row('AsyncLock acquire+release (main thread)', onMain, 'asyncLock', 'ops/s', 'bare await loop', 'bare'),
  row('AsyncLock acquire+release, 1 task', onMain, 'asyncLock', 'ops/s', 'async-mutex Mutex, 1 task', 'mutex'),
  row(
    `AsyncLock, ${CONTENDERS} tasks contending`,
    onMain,
    'asyncLockContended',
    'ops/s',
    `async-mutex Mutex, ${CONTENDERS} tasks`,
    'mutexContended',
  ),
  row('Channel(64) send+recv, 1 sender 1 receiver', onMain, 'buffered', 'msg/s', 'bare await loop', 'bare'),
  row('Channel(0) send+recv, 1 sender 1 receiver', onMain, 'unbuffered', 'msg/s', 'bare await loop', 'bare'),
]);
