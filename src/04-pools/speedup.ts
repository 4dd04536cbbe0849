/**
 * Speedup and efficiency of a pool on CPU-bound work, measured, and compared
 * with Amdahl's law.
 *
 * speedup(n) = time with 1 worker / time with n workers; efficiency = speedup / n.
 * Amdahl: if a fraction f of the work cannot run in parallel, then
 * speedup(n) <= 1 / (f + (1 - f) / n), and never more than the number of cores.
 * A measured speedup above the core count is a measurement bug (for example a
 * "job" that waits on the clock instead of computing).
 *
 * The jobs compute (a loop of square roots), calibrated on this machine to take
 * about `jobMs` each: real work, so workers beyond the core count only take turns.
 */
import type { ChartConfiguration } from 'chart.js';
import { availableParallelism } from 'node:os';
import { checkOneOf, checkOptions, checkPositiveInteger } from '../engine/validate.js';
import { calibrateJob, computeJob } from '../01-threads-vs-async/cpu-job.js';
import { Pool } from './pool.js';
import type { WorkerKind } from '../engine/pool/worker-handle.js';

export interface SpeedupOptions {
  /** Worker counts to try (default 1 … availableParallelism() + 2). */
  workerCounts?: number[];
  /** Jobs per measurement (default 16). */
  jobs?: number;
  /** Length of one job in ms, calibrated (default 50). */
  jobMs?: number;
  /** 'threads' (default) or 'processes'. */
  kind?: WorkerKind;
  /** Measurements per worker count; the fastest is kept (default 2). */
  repeats?: number;
}

export interface SpeedupRow {
  workers: number;
  wallMs: number;
  speedup: number;
  efficiency: number;
}

export interface SpeedupResult {
  cores: number;
  jobs: number;
  jobMs: number;
  rows: SpeedupRow[];
  /** Serial fraction f that Amdahl's law fits to the speedup at `cores` workers. */
  serialFraction: number;
}

/** Runs the same jobs on pools of each size and reports speedup and efficiency against 1 worker. */
export async function measureSpeedup(options?: SpeedupOptions): Promise<SpeedupResult> {
  const given = checkOptions(options, 'options');
  const cores = availableParallelism();
  const workerCounts = given.workerCounts ?? Array.from({ length: cores + 2 }, (_, i) => i + 1);
  if (!Array.isArray(workerCounts) || workerCounts.length === 0) {
    throw new TypeError('workerCounts must be a non-empty array of worker counts, e.g. [1, 2, 4]');
  }
  workerCounts.forEach((count, index) => checkPositiveInteger(count, `workerCounts[${index}]`));
  const jobs = checkPositiveInteger(given.jobs ?? 16, 'jobs');
  const jobMs = checkPositiveInteger(given.jobMs ?? 50, 'jobMs');
  const kind = checkOneOf(given.kind ?? 'threads', 'kind', ['threads', 'processes'] as const);
  const repeats = checkPositiveInteger(given.repeats ?? 2, 'repeats');

  const rounds = calibrateJob(jobMs);
  const work = Array.from({ length: jobs }, () => rounds);
  const counts = [...new Set([1, ...workerCounts])].sort((a, b) => a - b);
  const wall = new Map<number, number>();
  for (const size of counts) {
    const pool = new Pool({ size, kind });
    try {
      await pool.map(
        computeJob,
        Array.from({ length: size }, () => Math.ceil(rounds / 20)),
      ); // start and warm up every worker
      let best = Infinity;
      for (let repeat = 0; repeat < repeats; repeat++) {
        const start = performance.now();
        await pool.map(computeJob, work);
        best = Math.min(best, performance.now() - start);
      }
      wall.set(size, best);
    } finally {
      await pool.terminate();
    }
  }
  const oneWorker = wall.get(1)!;
  const rows = counts
    .filter((size) => workerCounts.includes(size))
    .map((workers) => {
      const speedup = oneWorker / wall.get(workers)!;
      return { workers, wallMs: wall.get(workers)!, speedup, efficiency: speedup / workers };
    });
  const atCores = rows.find((row) => row.workers === cores) ?? rows[rows.length - 1];
  const n = atCores.workers;
  const serialFraction = n > 1 ? Math.min(1, Math.max(0, (n / atCores.speedup - 1) / (n - 1))) : 0;
  return { cores, jobs, jobMs, rows, serialFraction };
}

/** Amdahl's bound for n workers with serial fraction f, on `cores` cores. */
export function amdahlSpeedup(workers: number, serialFraction: number, cores: number): number {
  const usable = Math.min(workers, cores);
  return 1 / (serialFraction + (1 - serialFraction) / usable);
}

/** Measured speedup against the ideal line and Amdahl's law, per worker count. */
export function speedupChart(result: SpeedupResult): ChartConfiguration {
  const labels = result.rows.map((row) => String(row.workers));
  const f = result.serialFraction;
  return {
    type: 'line',
    data: {
      labels,
      datasets: [
        {
          label: 'measured speedup',
          data: result.rows.map((row) => row.speedup),
          borderColor: '#d62728',
          backgroundColor: '#d62728',
          borderWidth: 3,
        },
        {
          label: 'ideal (one per worker)',
          data: result.rows.map((row) => row.workers),
          borderColor: '#999999',
          borderDash: [6, 6],
          pointRadius: 0,
        },
        {
          label: `Amdahl, f = ${f.toFixed(3)}, ${result.cores} cores`,
          data: result.rows.map((row) => amdahlSpeedup(row.workers, f, result.cores)),
          borderColor: '#1f77b4',
          pointRadius: 0,
        },
      ],
    },
    options: {
      plugins: {
        title: { display: true, text: `${result.jobs} jobs of ~${result.jobMs} ms: speedup vs workers (${result.cores} cores)` },
      },
      scales: {
        x: { title: { display: true, text: 'workers' } },
        y: { title: { display: true, text: 'speedup vs 1 worker' }, beginAtZero: true },
      },
    },
  };
}
