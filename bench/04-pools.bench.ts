/**
 * Unit 04 (pools): what the kit's Pool costs, and what it buys.
 *
 * 1. Overhead: a trivial task (x + 1) 100,000 times through the kit's Pool and
 *    through piscina, 2 workers each, measured in the same run, alternating, best
 *    of 3 rounds per side (12 for the short chunked runs). Same batching on both sides: 100,000 separate
 *    submissions all in flight (kit `apply`, piscina `run`); then the same items in
 *    chunks of 1,000 (kit `map` with chunksize, piscina `run` of a chunk).
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

const TASKS = 100_000;
const CHUNK = 1_000;
const WORKERS = 2;
const ROUNDS = 3;

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

/** Tasks per second of one `run` (which must return the right results). */
async function rate(run: () => Promise<unknown[]>, check: (results: unknown[]) => void): Promise<number> {
  const start = performance.now();
  check(await run());
  return TASKS / ((performance.now() - start) / 1000);
}

function checkFlat(results: unknown[]): void {
  if (results.length !== TASKS || results[TASKS - 1] !== TASKS) throw new Error('wrong results');
}

function checkChunks(results: unknown[]): void {
  if ((results as number[][]).flat().length !== TASKS) throw new Error('wrong results');
}

async function overhead(): Promise<BenchRow[]> {
  const pool = new Pool({ size: WORKERS });
  const piscina = new Piscina({ filename: taskModule, minThreads: WORKERS, maxThreads: WORKERS });
  const cases = {
    kitApply: () => Promise.all(items.map((x) => pool.apply(increment, [x]))),
    kitModule: () => Promise.all(items.map((x) => pool.apply({ module: taskModule }, [x]))),
    piscinaRun: () => Promise.all(items.map((x) => piscina.run(x))),
    kitMap: () => pool.map(increment, items, { chunksize: CHUNK }),
    piscinaChunks: () => Promise.all(chunks.map((chunk) => piscina.run(chunk, { name: 'incrementAll' }))),
  };
  const best: Record<keyof typeof cases, number> = { kitApply: 0, kitModule: 0, piscinaRun: 0, kitMap: 0, piscinaChunks: 0 };
  try {
    // Warm-up: start every worker and let the JIT see the code.
    await cases.kitApply();
    await cases.kitModule();
    await cases.piscinaRun();
    for (let round = 0; round < ROUNDS; round++) {
      best.piscinaRun = Math.max(best.piscinaRun, await rate(cases.piscinaRun, checkFlat));
      best.kitApply = Math.max(best.kitApply, await rate(cases.kitApply, checkFlat));
      best.kitModule = Math.max(best.kitModule, await rate(cases.kitModule, checkFlat));
    }
    // Chunked runs take a few ms each: more rounds for a steadier best.
    for (let round = 0; round < ROUNDS * 4; round++) {
      best.piscinaChunks = Math.max(best.piscinaChunks, await rate(cases.piscinaChunks, checkChunks));
      best.kitMap = Math.max(best.kitMap, await rate(cases.kitMap, checkFlat));
    }
  } finally {
    await pool.terminate();
    await piscina.destroy();
  }
  const row = (benchmark: string, value: number, baselineValue: number, baseline: string): BenchRow => ({
    benchmark,
    value,
    unit: 'tasks/s',
    baseline,
    baselineValue,
    ratio: value / baselineValue,
    goal: '>= 1.0 x piscina',
    met: value >= baselineValue,
  });
  return [
    row(
      `trivial task x ${TASKS.toLocaleString('en-US')}, separate submissions (apply of a function)`,
      best.kitApply,
      best.piscinaRun,
      'piscina run',
    ),
    row(`same, kit apply of { module, export } (same file as piscina)`, best.kitModule, best.piscinaRun, 'piscina run'),
    row(`same items, chunks of ${CHUNK} (kit map chunksize)`, best.kitMap, best.piscinaChunks, 'piscina run of chunks'),
  ];
}

async function speedup(): Promise<BenchRow[]> {
  const JOBS = 16;
  const rounds = calibrateJob(50);
  const job = computeJob;
  const jobs = Array.from({ length: JOBS }, () => rounds);
  const workers = availableParallelism();
  const single = new Pool({ size: 1 });
  const parallel = new Pool({ size: workers });
  let one = Infinity;
  let many = Infinity;
  try {
    for (const pool of [single, parallel])
      await pool.map(
        job,
        Array.from({ length: pool.size }, () => rounds / 10),
      ); // start, warm up
    // Alternate, best of 3 each: a noisy neighbour slows one round, not one side.
    for (let round = 0; round < 3; round++) {
      let start = performance.now();
      await single.map(job, jobs);
      one = Math.min(one, performance.now() - start);
      start = performance.now();
      await parallel.map(job, jobs);
      many = Math.min(many, performance.now() - start);
    }
  } finally {
    await single.terminate();
    await parallel.terminate();
  }
  const factor = one / many;
  const goal = workers >= 2 ? 1.8 * (workers / 2) : 1;
  return [
    {
      benchmark: `CPU-bound ${JOBS} jobs of ~50 ms: ${workers} workers vs 1 (ratio = speedup)`,
      value: many,
      unit: 'ms',
      baseline: '1 worker',
      baselineValue: one,
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
}

try {
  const rows = [...(await overhead()), ...(await speedup())];
  printTable('04 pools: kit Pool vs piscina (2 workers), and CPU-bound speedup', rows);
} finally {
  rmSync(folder, { recursive: true, force: true });
}
