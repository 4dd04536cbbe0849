/**
 * Unit 03: what the kit's Queue costs between two processes, against the raw
 * IPC channel it competes with.
 *
 * - raw: a child `process.send`s N small objects to its parent, which counts
 *   them (Node's own IPC, JSON serialisation, no flow control);
 * - kit: a child `put`s the same N objects into a Queue created by the parent
 *   (bounded at 1,000, then unbounded), and the parent `get`s them in batches
 *   with async iteration: every item delivered exactly once, with back-pressure.
 * Time from fork to the last item received; best of ROUNDS rounds each,
 * alternating. Goal: kit throughput >= 0.8 x raw.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Queue } from '../src/03-processes-queues-pipes/queue.js';
import { compiledEntry } from '../src/paths.js';
import { printTable, type BenchRow } from './report.js';

const ITEMS = 200_000;
const ROUNDS = 3;
const GOAL = 0.8;

const folder = mkdtempSync(join(tmpdir(), 'bench-queue-'));
const rawChild = join(folder, 'raw-child.mjs');
writeFileSync(
  rawChild,
  `const n = Number(process.argv[2]);
for (let i = 0; i < n - 1; i++) process.send({ seq: i, text: 'reading' });
process.send({ seq: n - 1, text: 'reading' }, () => process.disconnect());
`,
);
const queueChild = join(folder, 'queue-child.mjs');
writeFileSync(
  queueChild,
  `const { Queue } = await import(${JSON.stringify(pathToFileURL(compiledEntry('03-processes-queues-pipes/queue.ts')).href)});
const [handle, n] = [JSON.parse(process.argv[2]), Number(process.argv[3])];
const queue = Queue.from(handle);
for (let i = 0; i < n; i++) await queue.put({ seq: i, text: 'reading' });
await queue.dispose();
`,
);

async function raw(): Promise<number> {
  const start = performance.now();
  const child = fork(rawChild, [String(ITEMS)]);
  let received = 0;
  await new Promise<void>((resolve, reject) => {
    child.on('message', () => {
      received += 1;
      if (received === ITEMS) resolve();
    });
    child.on('exit', () => (received === ITEMS ? resolve() : reject(new Error(`raw: got ${received} of ${ITEMS}`))));
  });
  const perSecond = ITEMS / ((performance.now() - start) / 1000);
  if (child.exitCode === null) await new Promise((resolve) => child.on('exit', resolve));
  return perSecond;
}

async function kit(capacity: number | undefined): Promise<number> {
  const queue = new Queue<{ seq: number }>(capacity === undefined ? {} : { capacity });
  try {
    const start = performance.now();
    const child = fork(queueChild, [JSON.stringify(queue), String(ITEMS)]);
    const exited = new Promise((resolve) => child.on('exit', resolve));
    let received = 0;
    let expected = 0;
    while (received < ITEMS) {
      const { seq } = await queue.get({ timeout: 30_000 });
      if (seq !== expected) throw new Error(`kit: item ${seq} came where ${expected} was expected`);
      expected += 1;
      received += 1;
    }
    const perSecond = ITEMS / ((performance.now() - start) / 1000);
    await exited;
    return perSecond;
  } finally {
    await queue.dispose();
  }
}

try {
  const best = { raw: 0, bounded: 0, unbounded: 0 };
  for (let round = 0; round < ROUNDS; round += 1) {
    best.raw = Math.max(best.raw, await raw());
    best.bounded = Math.max(best.bounded, await kit(1000));
    best.unbounded = Math.max(best.unbounded, await kit(undefined));
  }
  const rows: BenchRow[] = [
    ['Queue (capacity 1,000), child → parent', best.bounded],
    ['Queue (unbounded), child → parent', best.unbounded],
  ].map(([benchmark, value]) => ({
    benchmark: `${benchmark} x ${ITEMS.toLocaleString('en-US')}`,
    value: value as number,
    unit: 'items/s',
    baseline: 'raw process.send',
    baselineValue: best.raw,
    ratio: (value as number) / best.raw,
    goal: `>= ${GOAL} x raw`,
    met: (value as number) / best.raw >= GOAL,
  }));
  printTable('03 · Queue throughput between two processes (best of 3)', rows);
} finally {
  rmSync(folder, { recursive: true, force: true });
}
