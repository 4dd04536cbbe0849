/**
 * Unit 04 (pools): what the kit's Pool costs, and what it buys. Every figure is
 * a median of per-round ratios over interleaved rounds (bench/side-by-side.ts).
 *
 * 1. Overhead: a trivial task (x + 1) 100,000 times, 2 workers each side, all
 *    submitted at once (kit `apply`, piscina `run`). How each side moves tasks:
 *    - kit, batched (the default): batches sized from measured task times, up to
 *      512 tasks per message, two batches in flight per worker (engine/pool/dispatch.ts);
 *    - kit, one at a time: one task per message, one in flight per worker (the lesson's rule);
 *    - piscina, default: one task per message, one in flight per worker
 *      (`concurrentTasksPerWorker: 1`);
 *    - piscina with `concurrentTasksPerWorker: 16`: one task per message, up to
 *      16 in flight per worker.
 *    Then the same items in chunks of 1,000 (kit `map` with chunksize, piscina `run` of a chunk).
 * 2. Speedup: 16 CPU-bound jobs of about 50 ms, on 1 worker and on
 *    availableParallelism() workers. Speedup = time(1) / time(n); efficiency =
 *    speedup / n. Amdahl's law says speedup <= n: more would be a measuring bug.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import { Pool } from '../src/04-pools/pool.js';
import { calibrateJob, computeJob } from '../src/01-threads-vs-async/cpu-job.js';
import { printTable, type BenchRow } from './report.js';
import { milliseconds, ratePerSecond, ratioTo, sideBySide } from './side-by-side.js';

const TASKS = 100_000;
const CHUNK = 1_000;
const WORKERS = 2;
const ROUNDS = 7;

const folder = mkdtempSync(join(tmpdir(), 'bench-pools-'));
const taskModule = join(folder, 'tasks.mjs');
writeFileSync(
  taskModule,
  'export default function increment(x) { return x + 1; }\n' + 'export function incrementAll(items) { return items.map((x) => x + 1); }\n',
);

const increment = (x: number) => x + 1;
const items = Array.from({ length: TASKS }, (_, i) => i);
const chunks: number[][] = [];
for (let start = 0; start < TASKS; start += CHUNK) chunks.push(items.slice(start, start + CHUNK));

/** Tasks per second of one run, which must give the right results. */
function rate(run: () => Promise<unknown[]>): () => Promise<number> {
  return () =>
    ratePerSecond(TASKS, async () => {
      const results = (await run()).flat();
      if (results.length !== TASKS || results[TASKS - 1] !== TASKS) throw new Error('wrong results');
    });
}

async function overhead(): Promise<BenchRow[]> {
  const batched = new Pool({ size: WORKERS });
  const oneAtATime = new Pool({ size: WORKERS, dispatch: 'one-at-a-time' });
  const piscina = new Piscina({ filename: taskModule, minThreads: WORKERS, maxThreads: WORKERS });
  const piscina16 = new Piscina({ filename: taskModule, minThreads: WORKERS, maxThreads: WORKERS, concurrentTasksPerWorker: 16 });
  try {
    const separate = {
      piscina: rate(() => Promise.all(items.map((x) => piscina.run(x)))),
      piscina16: rate(() => Promise.all(items.map((x) => piscina16.run(x)))),
      kitBatched: rate(() => Promise.all(items.map((x) => batched.apply(increment, [x])))),
      kitModule: rate(() => Promise.all(items.map((x) => batched.apply({ module: taskModule }, [x])))),
      kitOneAtATime: rate(() => Promise.all(items.map((x) => oneAtATime.apply(increment, [x])))),
    };
    for (const side of Object.values(separate)) await side(); // warm-up: start every worker, let the JIT see the code
    const apart = await sideBySide(separate, 'piscina', ROUNDS);
    const chunked = await sideBySide(
      {
        piscina: rate(() => Promise.all(chunks.map((chunk) => piscina.run(chunk, { name: 'incrementAll' })))),
        kit: rate(() => batched.map(increment, items, { chunksize: CHUNK })),
      },
      'piscina',
      ROUNDS * 2,
    );
    const row = (benchmark: string, side: keyof typeof apart.median, goal: string, met: boolean): BenchRow => ({
      benchmark,
      value: apart.median[side],
      unit: 'tasks/s',
      baseline: 'piscina (1 in flight)',
      baselineValue: apart.median.piscina,
      ratio: apart.ratio[side],
      goal,
      met,
    });
    const separately = `trivial task x ${TASKS.toLocaleString('en-US')}, separate submissions`;
    return [
      row(`${separately}: kit, batched (default)`, 'kitBatched', '>= 1.0 x piscina', apart.ratio.kitBatched >= 1),
      row(`  same, kit batched, { module, export } (piscina's file)`, 'kitModule', '>= 1.0 x piscina', apart.ratio.kitModule >= 1),
      row(`  same, kit one task per message (the lesson's rule)`, 'kitOneAtATime', 'what batching buys', true),
      row(`  same, piscina concurrentTasksPerWorker: 16`, 'piscina16', '(for reference)', true),
      {
        benchmark: `  kit batched vs piscina concurrentTasksPerWorker: 16`,
        value: apart.median.kitBatched,
        unit: 'tasks/s',
        baseline: 'piscina, 16 in flight',
        baselineValue: apart.median.piscina16,
        ratio: ratioTo(apart, 'kitBatched', 'piscina16'),
        goal: '>= 1.0',
        met: ratioTo(apart, 'kitBatched', 'piscina16') >= 1,
      },
      {
        benchmark: `same items in chunks of ${CHUNK} (kit map chunksize vs piscina run of a chunk)`,
        value: chunked.median.kit,
        unit: 'tasks/s',
        baseline: 'piscina, chunks',
        baselineValue: chunked.median.piscina,
        ratio: chunked.ratio.kit,
        goal: '>= 1.0 x piscina',
        met: chunked.ratio.kit >= 1,
      },
    ];
  } finally {
    await batched.terminate();
    await oneAtATime.terminate();
    await piscina.destroy();
    await piscina16.destroy();
  }
}

async function speedup(): Promise<BenchRow[]> {
  const JOBS = 16;
  const rounds = calibrateJob(50);
  const jobs = Array.from({ length: JOBS }, () => rounds);
  const workers = availableParallelism();
  const single = new Pool({ size: 1 });
  const parallel = new Pool({ size: workers });
  try {
    for (const pool of [single, parallel])
      await pool.map(
        computeJob,
        Array.from({ length: pool.size }, () => rounds / 10),
      ); // warm up
    const times = await sideBySide(
      { one: () => milliseconds(() => single.map(computeJob, jobs)), many: () => milliseconds(() => parallel.map(computeJob, jobs)) },
      'many',
      5,
    );
    const factor = times.ratio.one; // time(1 worker) / time(n workers), per round
    const goal = workers >= 2 ? 1.8 * (workers / 2) : 1;
    return [
      {
        benchmark: `CPU-bound ${JOBS} jobs of ~50 ms: ${workers} workers vs 1 (ratio = speedup)`,
        value: times.median.many,
        unit: 'ms',
        baseline: '1 worker',
        baselineValue: times.median.one,
        ratio: factor,
        goal: `speedup >= ${goal.toFixed(1)} (on ${workers} cores)`,
        met: factor >= goal,
      },
      {
        benchmark: `efficiency = speedup / ${workers} workers (Amdahl: <= 1)`,
        value: factor / workers,
        unit: '',
        ratio: factor / workers,
        goal: '>= 0.9, and <= 1',
        met: factor / workers >= 0.9 && factor / workers <= 1.05,
      },
    ];
  } finally {
    await single.terminate();
    await parallel.terminate();
  }
}

try {
  const rows = [...(await overhead()), ...(await speedup())];
  printTable(`04 pools: kit Pool vs piscina (${WORKERS} workers), and CPU-bound speedup (median of per-round ratios)`, rows);
} finally {
  rmSync(folder, { recursive: true, force: true });
}
