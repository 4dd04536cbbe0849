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
 *
 * The serial fraction f is measured directly, not fitted to the speedups it is
 * then compared with: it is the time the main thread spends handing out the
 * jobs and copying their arguments and results (the same `map` with jobs that do
 * no work), over the time of the whole `map` on one worker. Starting the workers
 * is serial too, but the measurement warms the pool first; `startupMs` says what
 * it would add. When the measured speedup falls well short of what f predicts,
 * the missing part is not serial work: other programs were using the cores.
 */
import type { ChartConfiguration } from 'chart.js';
import { availableParallelism, loadavg } from 'node:os';
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
  /** Amdahl's bound for this many workers with the measured serial fraction. */
  amdahl: number;
  /** Time to start this pool and run one tiny job on each worker (not in `wallMs`). */
  startupMs: number;
}

export interface SpeedupResult {
  cores: number;
  jobs: number;
  jobMs: number;
  rows: SpeedupRow[];
  /** Time to hand out the jobs and copy arguments and results, with jobs that do no work (1 worker). */
  serialMs: number;
  /** Serial fraction f = serialMs / wall time on 1 worker: measured, not fitted. */
  serialFraction: number;
  /** One sentence: what the measured speedup at the core count says against Amdahl's bound. */
  verdict: string;
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
  const startup = new Map<number, number>();
  let serialMs = Infinity;
  for (const size of counts) {
    const started = performance.now();
    const pool = new Pool({ size, kind });
    try {
      const warmUp = Array.from({ length: size }, () => Math.ceil(rounds / 20));
      await pool.map(computeJob, warmUp); // start and warm up every worker
      startup.set(size, performance.now() - started);
      let best = Infinity;
      for (let repeat = 0; repeat < repeats; repeat++) {
        const start = performance.now();
        await pool.map(computeJob, work);
        best = Math.min(best, performance.now() - start);
        if (size === 1) serialMs = Math.min(serialMs, await timeHandingOut(pool, jobs));
      }
      wall.set(size, best);
    } finally {
      await pool.terminate();
    }
  }
  const oneWorker = wall.get(1)!;
  const serialFraction = Math.min(1, serialMs / oneWorker);
  const rows = counts
    .filter((size) => workerCounts.includes(size))
    .map((workers) => {
      const speedup = oneWorker / wall.get(workers)!;
      return {
        workers,
        wallMs: wall.get(workers)!,
        speedup,
        efficiency: speedup / workers,
        amdahl: amdahlSpeedup(workers, serialFraction, cores),
        startupMs: startup.get(workers)!,
      };
    });
  const result = { cores, jobs, jobMs, rows, serialMs, serialFraction };
  return { ...result, verdict: speedupVerdict(result) };
}

/** The same `map` with jobs that do no work: what the main thread spends handing out and collecting. */
async function timeHandingOut(pool: Pool, jobs: number): Promise<number> {
  const noWork = Array.from({ length: jobs }, () => 0);
  const start = performance.now();
  await pool.map(computeJob, noWork);
  return performance.now() - start;
}

/** What the speedup at the core count says, measured against Amdahl's bound with the measured f. */
function speedupVerdict(result: Omit<SpeedupResult, 'verdict'>): string {
  const row = result.rows.find((r) => r.workers === result.cores) ?? result.rows[result.rows.length - 1];
  const f = `${(100 * result.serialFraction).toFixed(1)}%`;
  const measured = row.speedup.toFixed(2);
  const bound = row.amdahl.toFixed(2);
  if (row.workers === 1) return `With one core there is nothing to speed up: f = ${f}.`;
  if (row.speedup >= 0.85 * row.amdahl) {
    return (
      `With ${row.workers} workers the speedup was ${measured}, close to Amdahl's ${bound} ` +
      `for the measured serial part f = ${f} (handing out and copying jobs).`
    );
  }
  const load = loadavg()[0].toFixed(1);
  return (
    `With ${row.workers} workers the speedup was ${measured}, well below Amdahl's ${bound} ` +
    `for the measured serial part f = ${f}: the gap is not serial work, other programs were ` +
    `using the cores (load average ${load} on ${result.cores} cores). Run it again on a quiet machine.`
  );
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
          label: `Amdahl, measured f = ${(100 * f).toFixed(1)}%, ${result.cores} cores`,
          data: result.rows.map((row) => row.amdahl),
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
