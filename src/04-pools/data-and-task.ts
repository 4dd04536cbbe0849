/**
 * Two ways to split work over a pool (seed 001, "Paralelismo"):
 *
 * - Data parallelism: the same function on parts of one big input. Here one
 *   image (a Mandelbrot set, the seed's "renderizados") is cut into strips of
 *   rows, one per worker; the strips put back together are the whole image.
 * - Task parallelism: different, independent jobs at the same time. Here three
 *   of the seed's motivating problems, one job each: a simulation (Monte Carlo
 *   estimate of pi), image processing (the same render, whole) and data analysis
 *   (k-means clustering of points).
 *
 * Both are timed against the same jobs one after another on one worker. Data
 * parallelism divides evenly, so it scales with the cores; task parallelism is
 * only as fast as its longest task.
 */
import { checkOptions, checkPositiveInteger } from '../engine/validate.js';
import { Pool } from './pool.js';

/** Rows `from` … `to - 1` of a `width` × `height` Mandelbrot image: iteration counts, row by row. */
export function renderRows(width: number, height: number, from: number, to: number, depth: number): Uint16Array {
  const counts = new Uint16Array((to - from) * width);
  let pixel = 0;
  for (let row = from; row < to; row++) {
    for (let column = 0; column < width; column++) {
      const re = -2.2 + (3 * column) / width;
      const im = -1.2 + (2.4 * row) / height;
      let x = 0;
      let y = 0;
      let n = 0;
      while (n < depth && x * x + y * y <= 4) {
        [x, y] = [x * x - y * y + re, 2 * x * y + im];
        n++;
      }
      counts[pixel++] = n;
    }
  }
  return counts;
}

/** Estimates pi from `samples` random points in the unit square (a Monte Carlo simulation). */
export function simulatePi(samples: number): number {
  let state = 12345; // mulberry32 with a fixed seed, so every run computes the same thing
  const random = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let inside = 0;
  for (let i = 0; i < samples; i++) {
    const x = random();
    const y = random();
    if (x * x + y * y <= 1) inside++;
  }
  return (4 * inside) / samples;
}

/** k-means on `points` evenly spread values around `k` centers: the centers found, rounded. */
export function clusterPoints(points: number, k: number, rounds: number): number[] {
  const values = Array.from({ length: points }, (_, i) => (i % k) * 10 + ((i * 7919) % 1000) / 1000);
  const [low, high] = [Math.min(...values.slice(0, 1000)), Math.max(...values.slice(0, 1000))];
  let centers = Array.from({ length: k }, (_, i) => low + (i * (high - low)) / (k - 1));
  for (let round = 0; round < rounds; round++) {
    const sums = centers.map(() => 0);
    const sizes = centers.map(() => 0);
    for (const value of values) {
      let best = 0;
      for (let c = 1; c < k; c++) if (Math.abs(value - centers[c]) < Math.abs(value - centers[best])) best = c;
      sums[best] += value;
      sizes[best]++;
    }
    centers = centers.map((center, c) => (sizes[c] ? sums[c] / sizes[c] : center));
  }
  return centers.map((center) => Math.round(center * 10) / 10);
}

export interface SplitOptions {
  /** Workers in the pool (default 2). */
  workers?: number;
  /** Image size, width × height (default 800 × 600). */
  width?: number;
  height?: number;
}

export interface SplitRow {
  split: 'data' | 'task';
  jobs: string;
  /** The jobs one after another, on one worker. */
  oneWorkerMs: number;
  /** The jobs at the same time, on `workers` workers. */
  poolMs: number;
  speedup: number;
}

export interface SplitResult {
  workers: number;
  rows: [SplitRow, SplitRow];
  /** The strips, put back together, are the image rendered in one piece. */
  stripsMatch: boolean;
  /** Results of the three tasks: pi, its k-means centers, the render's pixel count. */
  tasks: { pi: number; centers: number[]; pixels: number };
}

/** Times data parallelism and task parallelism on a pool, each against one worker doing the same jobs. */
export async function measureDataAndTaskParallelism(options?: SplitOptions): Promise<SplitResult> {
  const given = checkOptions(options, 'options');
  const workers = checkPositiveInteger(given.workers ?? 2, 'workers');
  const width = checkPositiveInteger(given.width ?? 800, 'width');
  const height = checkPositiveInteger(given.height ?? 600, 'height');
  const depth = 500;
  const bounds = Array.from({ length: workers + 1 }, (_, i) => Math.round((i * height) / workers));
  const strips = bounds.slice(1).map((to, i) => [width, height, bounds[i], to, depth] as const);
  const tasks = (pool: Pool) =>
    Promise.all([
      pool.apply(simulatePi, [12_000_000]),
      pool.apply(renderRows, [width, height, 0, height, depth]),
      pool.apply(clusterPoints, [120_000, 4, 12]),
    ]);

  const one = new Pool({ size: 1 });
  const many = new Pool({ size: workers });
  try {
    await Promise.all([one.map(simulatePi, [1000]), many.map(simulatePi, Array(workers).fill(1000))]);
    // Each way twice, interleaved; the faster of the two counts (a busy moment spoils one, not both).
    const fastest = { whole: Infinity, strips: Infinity, tasksOne: Infinity, tasksPool: Infinity };
    const timed = async <R>(key: keyof typeof fastest, run: () => Promise<R>): Promise<R> => {
      const start = performance.now();
      const value = await run();
      fastest[key] = Math.min(fastest[key], performance.now() - start);
      return value;
    };
    let whole = new Uint16Array();
    let parts: Uint16Array[] = [];
    let results: Awaited<ReturnType<typeof tasks>> | undefined;
    for (let round = 0; round < 2; round++) {
      whole = await timed('whole', () => one.apply(renderRows, [width, height, 0, height, depth]));
      parts = await timed('strips', () => Promise.all(strips.map((strip) => many.apply(renderRows, [...strip]))));
      results = await timed('tasksOne', () => tasks(one));
      await timed('tasksPool', () => tasks(many));
    }
    const [pi, , centers] = results!;
    const joined = parts.flatMap((part) => [...part]);
    const stripsMatch = joined.length === whole.length && joined.every((count, i) => count === whole[i]);
    const row = (split: 'data' | 'task', jobs: string, oneWorkerMs: number, poolMs: number): SplitRow => ({
      split,
      jobs,
      oneWorkerMs,
      poolMs,
      speedup: oneWorkerMs / poolMs,
    });
    return {
      workers,
      rows: [
        row('data', `one ${width}×${height} render, ${workers} strips of rows`, fastest.whole, fastest.strips),
        row('task', 'a simulation, a render, a clustering', fastest.tasksOne, fastest.tasksPool),
      ],
      stripsMatch,
      tasks: { pi, centers, pixels: whole.length },
    };
  } finally {
    await Promise.all([one.terminate(), many.terminate()]);
  }
}
