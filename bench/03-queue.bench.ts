/**
 * Unit 03: what the kit's Queue and Pipe cost against the raw channels they
 * stand on. Every figure is a median of per-round ratios over interleaved
 * rounds (bench/side-by-side.ts); every raw side that crosses processes runs
 * with both of Node's serializations, JSON (the default) and 'advanced' (the
 * structured clone the kit's frames use).
 *
 * 1. Child → parent: a child puts N small objects; the parent gets them one
 *    `get()` at a time (kit Queue, capacity 1,000), against the child's
 *    `process.send` of the same objects counted in the parent.
 * 2. Remote get, the seed's consumer: the parent puts N items, a child process
 *    calls `queue.get()` item by item; against the parent's `child.send` of the
 *    same items to that child (the relay every raw design needs: the parent
 *    holds the items). Timed by the consumer, first item to last.
 * 3. Pipe round trip: one end here, the other in a child process (or a Thread)
 *    that sends back what it receives; N trips one after another. Against a
 *    `process.send` echo (a bare Worker's `postMessage` echo for threads).
 * 4. Thread → main: a Thread puts N items into a Queue the main thread gets from,
 *    against a bare Worker's `postMessage` of the same items.
 * Rates are timed from the first item (or trip) to the last: starting a child
 * or a thread is bench/01-thread-start's business.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Thread } from '../src/01-threads-vs-async/thread.js';
import { Pipe, type PipeEnd } from '../src/03-processes-queues-pipes/pipe.js';
import { Queue } from '../src/03-processes-queues-pipes/queue.js';
import { compiledEntry } from '../src/paths.js';
import { printTable, type BenchRow } from './report.js';
import { ratioTo, sideBySide, type SideBySide } from './side-by-side.js';

const ITEMS = 100_000;
const TRIPS = 5_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const item = (seq: number) => ({ seq, text: 'reading' });

const folder = mkdtempSync(join(tmpdir(), 'bench-queue-'));
const kitUrl = (unit: string) => JSON.stringify(pathToFileURL(compiledEntry(`03-processes-queues-pipes/${unit}.ts`)).href);
/** Writes a child program; returns its path. */
function program(name: string, source: string): string {
  const file = join(folder, name);
  writeFileSync(file, source);
  return file;
}
const children = {
  rawSender: program(
    'raw-sender.mjs',
    `const n = Number(process.argv[2]);
for (let i = 0; i < n - 1; i++) process.send({ seq: i, text: 'reading' });
process.send({ seq: n - 1, text: 'reading' }, () => process.disconnect());
`,
  ),
  queueProducer: program(
    'queue-producer.mjs',
    `const { Queue } = await import(${kitUrl('queue')});
const [handle, n] = [JSON.parse(process.argv[2]), Number(process.argv[3])];
const queue = Queue.from(handle);
for (let i = 0; i < n; i++) await queue.put({ seq: i, text: 'reading' });
await queue.dispose();
`,
  ),
  rawReceiver: program(
    'raw-receiver.mjs',
    `const n = Number(process.argv[2]);
let received = 0, start = 0;
process.on('message', (message) => {
  if (received === 0) start = performance.now();
  if (message.seq !== received) throw new Error('item ' + message.seq + ' came where ' + received + ' was expected');
  received += 1;
  if (received === n) process.send((n - 1) / ((performance.now() - start) / 1000), () => process.disconnect());
});
process.send('ready');
`,
  ),
  queueConsumer: program(
    'queue-consumer.mjs',
    `const { Queue } = await import(${kitUrl('queue')});
const [handle, n] = [JSON.parse(process.argv[2]), Number(process.argv[3])];
const queue = Queue.from(handle);
let start = 0;
for (let i = 0; i < n; i++) {
  const { seq } = await queue.get();
  if (i === 0) start = performance.now();
  if (seq !== i) throw new Error('item ' + seq + ' came where ' + i + ' was expected');
}
const rate = (n - 1) / ((performance.now() - start) / 1000);
await queue.dispose();
process.send(rate, () => process.disconnect());
`,
  ),
  rawEcho: program('raw-echo.mjs', `process.on('message', (message) => process.send(message));\n`),
  pipeEcho: program(
    'pipe-echo.mjs',
    `const { connection } = await import(${kitUrl('pipe')});
const end = connection(JSON.parse(process.argv[2]));
for await (const message of end) end.send(message);
`,
  ),
  workerEcho: program(
    'worker-echo.mjs',
    `import { parentPort } from 'node:worker_threads';
parentPort.on('message', (message) => message === 'end' ? parentPort.close() : parentPort.postMessage(message));
`,
  ),
  workerSender: program(
    'worker-sender.mjs',
    `import { parentPort, workerData } from 'node:worker_threads';
for (let i = 0; i < workerData; i++) parentPort.postMessage({ seq: i, text: 'reading' });
`,
  ),
};

type Serialization = 'json' | 'advanced';
const forkWith = (file: string, args: string[], serialization: Serialization): ChildProcess =>
  fork(file, args, { serialization, execArgv: [] });

/** Items per second, from the first item to the last, of `count` items arriving through `next`. */
async function timedArrivals(count: number, next: (i: number) => Promise<{ seq: number }>): Promise<number> {
  let start = 0;
  for (let i = 0; i < count; i++) {
    const { seq } = await next(i);
    if (i === 0) start = performance.now();
    if (seq !== i) throw new Error(`item ${seq} came where ${i} was expected`);
  }
  return (count - 1) / ((performance.now() - start) / 1000);
}

/** Messages from a child (or worker) as an awaitable stream, in order. */
function inbox<T>(source: ChildProcess | Worker): (i: number) => Promise<T> {
  const arrived: T[] = [];
  let waiting: ((value: T) => void) | undefined;
  source.on('message', (message: T) => {
    if (waiting) {
      const wake = waiting;
      waiting = undefined;
      wake(message);
    } else arrived.push(message);
  });
  let read = 0;
  return () => (read < arrived.length ? Promise.resolve(arrived[read++]) : new Promise((resolve) => (waiting = resolve)));
}

async function ended(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
  if (child.exitCode !== 0) throw new Error(`a bench child exited with ${child.exitCode ?? child.signalCode}`);
}

const childToParent = {
  raw: (serialization: Serialization) => async () => {
    const child = forkWith(children.rawSender, [String(ITEMS)], serialization);
    const rate = await timedArrivals(ITEMS, inbox<{ seq: number }>(child));
    await ended(child);
    return rate;
  },
  kit: async () => {
    const queue = new Queue<{ seq: number }>({ capacity: 1000 });
    try {
      const child = forkWith(children.queueProducer, [JSON.stringify(queue), String(ITEMS)], 'json');
      const rate = await timedArrivals(ITEMS, () => queue.get({ timeout: 30_000 }));
      await ended(child);
      return rate;
    } finally {
      await queue.dispose();
    }
  },
};

const remoteGet = {
  raw: (serialization: Serialization) => async () => {
    const child = forkWith(children.rawReceiver, [String(ITEMS)], serialization);
    const next = inbox<unknown>(child);
    await next(0); // 'ready'
    for (let i = 0; i < ITEMS; i++) child.send(item(i));
    const rate = (await next(1)) as number;
    await ended(child);
    return rate;
  },
  kit: async () => {
    const queue = new Queue<{ seq: number; text: string }>({ capacity: 1000 });
    try {
      const child = forkWith(children.queueConsumer, [JSON.stringify(queue), String(ITEMS)], 'json');
      const rate = inbox<number>(child)(0);
      for (let i = 0; i < ITEMS; i++) await queue.put(item(i));
      const perSecond = await rate;
      await ended(child);
      return perSecond;
    } finally {
      await queue.dispose();
    }
  },
};

/** Round trips per second of `trip`, after one trip that waits for the other side to be ready. */
async function tripsPerSecond(trip: (i: number) => Promise<unknown>): Promise<number> {
  await trip(-1);
  const start = performance.now();
  for (let i = 0; i < TRIPS; i++) if ((await trip(i)) !== i) throw new Error('the echo is out of order');
  return TRIPS / ((performance.now() - start) / 1000);
}

const pipeTrip = {
  raw: (serialization: Serialization) => async () => {
    const child = forkWith(children.rawEcho, [], serialization);
    const next = inbox<number>(child);
    const rate = await tripsPerSecond((i) => (child.send(i), next(i)));
    child.disconnect();
    await ended(child);
    return rate;
  },
  kit: async () => {
    const [here, there] = Pipe<number>();
    const child = forkWith(children.pipeEcho, [JSON.stringify(there)], 'json');
    try {
      const rate = await tripsPerSecond((i) => (here.send(i), here.recv({ timeout: 30_000 })));
      here.close();
      await ended(child);
      return rate;
    } finally {
      child.kill();
      await here.dispose();
    }
  },
  worker: async () => {
    const worker = new Worker(children.workerEcho, { execArgv: [] });
    const next = inbox<number>(worker);
    const rate = await tripsPerSecond((i) => (worker.postMessage(i), next(i)));
    worker.postMessage('end');
    await once(worker, 'exit');
    return rate;
  },
  thread: async () => {
    const [here, there] = Pipe<number>();
    const echo = async (end: PipeEnd<number>) => {
      for await (const message of end) end.send(message);
    };
    const thread = new Thread({ target: echo, args: [there] });
    thread.start();
    try {
      const rate = await tripsPerSecond((i) => (here.send(i), here.recv({ timeout: 30_000 })));
      here.close();
      await thread.join(30_000);
      return rate;
    } finally {
      await here.dispose();
    }
  },
};

const threadToMain = {
  worker: async () => {
    const worker = new Worker(children.workerSender, { execArgv: [], workerData: ITEMS });
    const exited = once(worker, 'exit'); // listened for now: it may come before the last item is read
    const rate = await timedArrivals(ITEMS, inbox<{ seq: number }>(worker));
    await exited;
    return rate;
  },
  kit: async () => {
    const queue = new Queue<{ seq: number; text: string }>({ capacity: 1000 });
    const produce = async (into: Queue<{ seq: number; text: string }>, n: number) => {
      for (let i = 0; i < n; i++) await into.put({ seq: i, text: 'reading' });
    };
    const thread = new Thread({ target: produce, args: [queue, ITEMS] });
    thread.start();
    try {
      const rate = await timedArrivals(ITEMS, () => queue.get({ timeout: 30_000 }));
      await thread.join(30_000);
      return rate;
    } finally {
      await queue.dispose();
    }
  },
};

/** Rows for the kit side against the JSON and the advanced raw side. */
function againstRaw<N extends string>(result: SideBySide<N>, kit: N, label: string, unit: string, goal: number): BenchRow[] {
  return (['rawJson', 'rawAdvanced'] as N[]).map((raw, index) => {
    const ratio = ratioTo(result, kit, raw);
    return {
      benchmark: index === 0 ? label : '  same, against advanced serialization',
      value: result.median[kit],
      unit,
      baseline: raw === 'rawJson' ? 'raw, JSON' : 'raw, advanced',
      baselineValue: result.median[raw],
      ratio,
      goal: `>= ${goal} x raw`,
      met: ratio >= goal,
    };
  });
}

try {
  const rows: BenchRow[] = [];
  const count = ITEMS.toLocaleString('en-US');

  const puts = await sideBySide(
    { rawJson: childToParent.raw('json'), rawAdvanced: childToParent.raw('advanced'), kit: childToParent.kit },
    'rawJson',
    ROUNDS,
  );
  rows.push(...againstRaw(puts, 'kit', `Queue, child puts → parent gets x ${count}`, 'items/s', 0.8));

  const gets = await sideBySide(
    { rawJson: remoteGet.raw('json'), rawAdvanced: remoteGet.raw('advanced'), kit: remoteGet.kit },
    'rawJson',
    ROUNDS,
  );
  rows.push(...againstRaw(gets, 'kit', `Queue, remote get() one by one in a child x ${count}`, 'items/s', 0.5));

  const trips = await sideBySide(
    {
      rawJson: pipeTrip.raw('json'),
      rawAdvanced: pipeTrip.raw('advanced'),
      kit: pipeTrip.kit,
      worker: pipeTrip.worker,
      thread: pipeTrip.thread,
    },
    'rawJson',
    ROUNDS,
  );
  // A round trip's cost is 1 / rate: "<= 2x the time" is ">= 0.5x the rate".
  rows.push(...againstRaw(trips, 'kit', `Pipe round trip, child process x ${TRIPS.toLocaleString('en-US')}`, 'trips/s', 0.5));
  const threadTrip = ratioTo(trips, 'thread', 'worker');
  rows.push({
    benchmark: `Pipe round trip, Thread x ${TRIPS.toLocaleString('en-US')}`,
    value: trips.median.thread,
    unit: 'trips/s',
    baseline: 'bare Worker postMessage echo',
    baselineValue: trips.median.worker,
    ratio: threadTrip,
    goal: '>= 0.5 x raw',
    met: threadTrip >= 0.5,
  });

  const fromThread = await sideBySide({ worker: threadToMain.worker, kit: threadToMain.kit }, 'worker', ROUNDS);
  rows.push({
    benchmark: `Queue, Thread puts → main gets x ${count}`,
    value: fromThread.median.kit,
    unit: 'items/s',
    baseline: 'bare Worker postMessage',
    baselineValue: fromThread.median.worker,
    ratio: fromThread.ratio.kit,
    goal: '>= 1.0 x raw',
    met: fromThread.ratio.kit >= 1,
  });

  printTable(`03 · Queue and Pipe against raw IPC and postMessage (median of per-round ratios, ${ROUNDS} rounds)`, rows);
} finally {
  rmSync(folder, { recursive: true, force: true });
}
