/**
 * The seed's analysis against a concurrent one, measured on the same readings.
 *
 * The seed calls `pool.apply_async(...)` and then `.get()` at once, so its pool
 * of two analyzes one reading at a time. Here the same readings, queued up as a
 * backlog, go through both ways (analysis.ts) on a fresh pool each, already
 * started; each reports readings per second, the most analyses in flight at
 * once, and whether the results came out in the same order.
 */
import { Pool } from '../04-pools/pool.js';
import { Analysis } from './analysis.js';
import type { AnalyzedReading, RawReading } from './analyzer.js';
import type { AnalysisMode } from './options.js';

export interface CompareAnalysisOptions {
  /** Simulated time per analysis, in ms (default 500, the seed's). */
  analyzeMs?: number;
  /** Pool size, and the concurrent way's most analyses in flight (default 2, the seed's). */
  workers?: number;
  /** 'processes' (default, as the seed) or 'threads'. */
  pool?: 'processes' | 'threads';
  /** Threshold of every sensor (default 70). */
  threshold?: number;
}

export interface AnalysisRun {
  mode: AnalysisMode;
  readings: number;
  seconds: number;
  readingsPerSecond: number;
  maxInFlight: number;
  /** The sensor and seq of each analyzed reading, in the order reported. */
  order: string[];
}

export interface AnalysisComparison {
  sequential: AnalysisRun;
  concurrent: AnalysisRun;
  /** concurrent readings/s over sequential readings/s. */
  ratio: number;
  /** Both reported the readings in the same (queue) order. */
  sameOrder: boolean;
}

/** Runs `readings` through one way of analyzing them; the pool is started before the clock starts. */
export async function measureAnalysis(
  mode: AnalysisMode,
  readings: readonly RawReading[],
  options: CompareAnalysisOptions = {},
): Promise<AnalysisRun> {
  const { analyzeMs = 500, workers = 2, pool: kind = 'processes', threshold = 70 } = options;
  const pool = new Pool({ size: workers, kind, dispatch: 'one-at-a-time' });
  try {
    // Start every worker first: start-up is not what is compared.
    const wait = (ms: number) => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
    await Promise.all(Array.from({ length: workers }, () => pool.apply(wait, [20])));
    const order: string[] = [];
    const analysis = new Analysis(pool, {
      mode,
      inFlight: workers,
      analyzeMs,
      thresholdOf: () => threshold,
      onAnalyzed: (reading: AnalyzedReading) => void order.push(`${reading.sensor} #${reading.seq}`),
    });
    const started = performance.now();
    for (const reading of readings) await analysis.submit(reading);
    await analysis.drain();
    const seconds = (performance.now() - started) / 1000;
    return {
      mode,
      readings: readings.length,
      seconds,
      readingsPerSecond: readings.length / seconds,
      maxInFlight: analysis.maxInFlight,
      order,
    };
  } finally {
    await pool.terminate();
  }
}

/** The seed's way, then the concurrent way, on the same readings. */
export async function compareAnalysis(readings: readonly RawReading[], options: CompareAnalysisOptions = {}): Promise<AnalysisComparison> {
  const sequential = await measureAnalysis('sequential', readings, options);
  const concurrent = await measureAnalysis('concurrent', readings, options);
  return {
    sequential,
    concurrent,
    ratio: concurrent.readingsPerSecond / sequential.readingsPerSecond,
    sameOrder: sequential.order.join() === concurrent.order.join(),
  };
}

/** The comparison as table rows (for showTable). */
export function comparisonRows(comparison: AnalysisComparison): Record<string, string>[] {
  const describe = {
    sequential: 'sequential: apply_async, then get at once (the seed)',
    concurrent: 'concurrent: applyAsync, several in flight',
  };
  return [comparison.sequential, comparison.concurrent].map((run) => ({
    analysis: describe[run.mode],
    readings: String(run.readings),
    seconds: run.seconds.toFixed(2),
    'readings/s': run.readingsPerSecond.toFixed(2),
    'most in flight': String(run.maxInFlight),
    'vs sequential': `${(run.readingsPerSecond / comparison.sequential.readingsPerSecond).toFixed(2)}x`,
  }));
}
