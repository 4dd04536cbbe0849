/**
 * The race lab: the seed's lost-update counter, for real, many times over.
 *
 * K workers add 1 to one shared counter M times each; the counter should end at
 * K x M. Three ways to add 1:
 * - 'plain': read the counter, write it back plus one (two steps; updates get lost);
 * - 'atomic': `Atomics.add`, one indivisible step;
 * - 'lock': the same two steps as 'plain', inside the kit's `Lock`.
 *
 * One race proves little (a run may happen to lose nothing), so each variant is
 * run R times and the lab returns the distribution of final values, the updates
 * lost in each run and what each run cost. The K workers are started once and
 * kept for every run of every variant; each run they are released together (a
 * start gate, then a spin until all have arrived), which is when they collide most.
 *
 * Python vs Node: the seed's version (5 threads x 10,000,000 `contador += 1`)
 * prints exactly 50,000,000 on a modern CPython (checked here with 3.11, user
 * time equal to wall time): the GIL runs one thread at a time, and recent
 * CPythons hand it over only at a few points (such as the jump back to the top of
 * a loop), not in the middle of `contador += 1`, so in practice no update is lost
 * (the language does not promise it: it is still a race). Node's workers run at
 * the same moment on different cores, with nothing between them but shared
 * memory: the plain variant loses updates in practically every run.
 */
import type { ChartConfiguration } from 'chart.js';
import { availableParallelism } from 'node:os';
import { checkOptions, checkOneOf, checkPositiveInteger, checkTimeout, describeValue } from '../../engine/validate.js';
import { Lock } from '../shared-lock.js';
import { loopOverlapMs } from './lost-update-verdict.js';
import { median } from '../../engine/median.js';
import { LabTeam, LabTimeoutError } from './lab-team.js';
import {
  CONTROL_CELLS,
  DONE,
  INCREMENTS,
  RACE_LAB_VARIANTS,
  READY,
  ROUND,
  VARIANT,
  WAKE,
  type RaceLabVariant,
  type RaceWorkerData,
} from './race-protocol.js';

export { RACE_LAB_VARIANTS, type RaceLabVariant } from './race-protocol.js';

export interface RaceLabOptions {
  /** Worker threads adding to the counter (default 4: more than this machine's 2 cores, fewer than the seed's 5). */
  workers?: number;
  /** Increments per worker per run (default 500,000). workers x increments must stay below 2^31. */
  increments?: number;
  /** Runs per variant (default 20). */
  runs?: number;
  /** Which variants to run, in order (default all three: 'plain', 'atomic', 'lock'). */
  variants?: RaceLabVariant | RaceLabVariant[];
  /**
   * Time one variant may use (ms, default 1500): once used up, that variant starts
   * no more runs (it still does at least 3, or `runs` if fewer). Locking is the
   * slow variant; this keeps the lab short. Infinity: always do every run.
   */
  variantBudgetMs?: number;
  /** Time bound for the whole lab in ms (default 60,000): past it, the workers are ended and a LabTimeoutError thrown. */
  timeout?: number;
}

/** One run of one variant. */
export interface RaceLabRun {
  /** 1, 2, ... */
  run: number;
  /** The counter at the end of the run. */
  final: number;
  /** expected - final: increments that were overwritten. */
  lost: number;
  /** From the first worker's start to the last worker's end, in ms. */
  ms: number;
  /** How long at least two workers' loops ran at the same moment, ms (no overlap, no race). */
  overlapMs: number;
}

export interface RaceLabVariantResult {
  variant: RaceLabVariant;
  /** What one increment is, in code. */
  increment: string;
  runs: RaceLabRun[];
  /** Runs that lost at least one update. */
  runsWithLostUpdates: number;
  /** runsWithLostUpdates / runs done (0 to 1). */
  lossRate: number;
  /** Updates lost per run: fewest, median, most. */
  lost: { min: number; median: number; max: number };
  /** Median time of one run, ms. */
  medianMs: number;
  /** Median cost of one increment (ms per run / (workers x increments)), in ns. */
  nsPerIncrement: number;
  /** True when the time budget stopped this variant before `runs` runs. */
  stoppedEarly: boolean;
  /**
   * What the runs showed, in a sentence: for 'plain', how many runs lost updates and,
   * if some lost none, why (their loops did not overlap, or the losing interleavings
   * did not happen); for 'atomic' and 'lock', that nothing was lost.
   */
  explanation: string;
}

export interface RaceLabResult {
  workers: number;
  increments: number;
  /** workers x increments: the counter's value if no update is lost. */
  expected: number;
  /** Runs asked for per variant. */
  runsRequested: number;
  /** CPU cores this machine offers (os.availableParallelism()). */
  cores: number;
  variants: RaceLabVariantResult[];
  /** Whole lab, workers' start to end, ms. */
  totalMs: number;
}

const INCREMENT_CODE: Record<RaceLabVariant, string> = {
  plain: 'Atomics.store(c, 0, Atomics.load(c, 0) + 1)',
  atomic: 'Atomics.add(c, 0, 1)',
  lock: 'lock.acquire(); Atomics.store(c, 0, Atomics.load(c, 0) + 1); lock.release()',
};

const MAX_WORKERS = 64;
const MIN_RUNS_IN_BUDGET = 3;
/** Warm-up round per variant (not counted): lets the compiler optimize the loop first. */
const WARM_UP_INCREMENTS = 20_000;

/**
 * Runs the lost-update race: `runs` runs of each variant on the same `workers`
 * worker threads. Resolves with the distribution of results; rejects with a
 * LabTimeoutError past `timeout` (every worker is ended in every case).
 */
export async function runRaceLab(options?: RaceLabOptions): Promise<RaceLabResult> {
  const given = checkOptions(options, 'options');
  const workers = checkPositiveInteger(given.workers ?? 4, 'workers');
  if (workers > MAX_WORKERS) throw new RangeError(`workers must be at most ${MAX_WORKERS}, got ${workers}`);
  const increments = checkPositiveInteger(given.increments ?? 500_000, 'increments');
  if (workers * increments > 2 ** 31 - 1) {
    throw new RangeError(
      `workers x increments must stay below 2^31 (the counter is an Int32 cell), got ${workers} x ${increments} = ${workers * increments}`,
    );
  }
  const runs = checkPositiveInteger(given.runs ?? 20, 'runs');
  const variants = checkVariants(given.variants ?? [...RACE_LAB_VARIANTS]);
  const budget = given.variantBudgetMs ?? 1500;
  if (typeof budget !== 'number' || !(budget > 0)) {
    throw new RangeError(`variantBudgetMs must be a number of milliseconds > 0 (or Infinity), got ${describeValue(budget)}`);
  }
  const timeout = checkTimeout(given.timeout ?? 60_000, 'timeout') as number;

  const started = performance.now();
  const deadline = started + timeout;
  const control = new Int32Array(new SharedArrayBuffer(CONTROL_CELLS * 4));
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const spans = new Float64Array(new SharedArrayBuffer(workers * 2 * 8));
  const lock = new Lock();
  const team = new LabTeam<void>(
    '05-races-and-locks/labs/race-worker.ts',
    Array.from({ length: workers }, (_, index) => {
      const data: RaceWorkerData = {
        control: control.buffer as SharedArrayBuffer,
        counter: counter.buffer as SharedArrayBuffer,
        spans: spans.buffer as SharedArrayBuffer,
        lock: lock.handle,
        index,
        workers,
      };
      return { name: String(index), task: 'raceWorker', args: [data] };
    }),
  );
  const wake = { cells: control, index: WAKE };
  try {
    await team.waitFor(() => Atomics.load(control, READY) === workers, deadline, `${workers} race workers to start`, wake);
    let round = 0;
    /** One round: every worker adds `count` with `variant`; returns the final counter and the time it took. */
    const playRound = async (variant: RaceLabVariant, count: number): Promise<{ final: number; ms: number; overlapMs: number }> => {
      round += 1;
      Atomics.store(counter, 0, 0);
      Atomics.store(control, VARIANT, RACE_LAB_VARIANTS.indexOf(variant));
      Atomics.store(control, INCREMENTS, count);
      Atomics.store(control, ROUND, round);
      Atomics.notify(control, ROUND);
      const doneAt = workers * round;
      await team.waitFor(() => Atomics.load(control, DONE) >= doneAt, deadline, `run ${round} (${variant}) to finish`, wake);
      const starts = Array.from({ length: workers }, (_, i) => spans[2 * i]);
      const ends = Array.from({ length: workers }, (_, i) => spans[2 * i + 1]);
      const final = Atomics.load(counter, 0);
      return { final, ms: Math.max(...ends) - Math.min(...starts), overlapMs: loopOverlapMs(spans) };
    };

    const results: RaceLabVariantResult[] = [];
    for (const variant of variants) {
      await playRound(variant, Math.min(increments, WARM_UP_INCREMENTS));
      const variantStart = performance.now();
      const done: RaceLabRun[] = [];
      while (done.length < runs) {
        if (done.length >= MIN_RUNS_IN_BUDGET && performance.now() - variantStart > budget) break;
        const { final, ms, overlapMs } = await playRound(variant, increments);
        done.push({ run: done.length + 1, final, lost: workers * increments - final, ms, overlapMs });
      }
      results.push(summarize(variant, done, workers * increments, runs));
    }
    return {
      workers,
      increments,
      expected: workers * increments,
      runsRequested: runs,
      cores: availableParallelism(),
      variants: results,
      totalMs: performance.now() - started,
    };
  } catch (error) {
    if (error instanceof LabTimeoutError) {
      throw new LabTimeoutError(
        `the race lab did not finish within its timeout of ${timeout} ms (${error.message}); its workers were ended`,
      );
    }
    throw error;
  } finally {
    await team.terminateAll();
  }
}

function checkVariants(value: unknown): RaceLabVariant[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0) {
    throw new TypeError(
      `variants must be a variant or a non-empty array of them ` +
        `(${RACE_LAB_VARIANTS.map((v) => `'${v}'`).join(', ')}), got ${describeValue(value)}`,
    );
  }
  return list.map((variant, index) => checkOneOf(variant, `variants[${index}]`, RACE_LAB_VARIANTS));
}

function summarize(variant: RaceLabVariant, runs: RaceLabRun[], expected: number, requested: number): RaceLabVariantResult {
  const lost = runs.map((run) => run.lost);
  const withLoss = lost.filter((count) => count > 0).length;
  const medianMs = median(runs.map((run) => run.ms));
  return {
    variant,
    increment: INCREMENT_CODE[variant],
    runs,
    runsWithLostUpdates: withLoss,
    lossRate: withLoss / runs.length,
    lost: { min: Math.min(...lost), median: median(lost), max: Math.max(...lost) },
    medianMs,
    nsPerIncrement: (medianMs * 1e6) / expected,
    stoppedEarly: runs.length < requested,
    explanation: explainVariant(variant, runs),
  };
}

/** The sentence of RaceLabVariantResult.explanation. */
function explainVariant(variant: RaceLabVariant, runs: RaceLabRun[]): string {
  const withLoss = runs.filter((run) => run.lost > 0).length;
  if (variant !== 'plain') {
    return withLoss === 0
      ? `no run lost an update: ${variant === 'atomic' ? 'each increment is one indivisible step' : 'the lock lets one worker at a time read and write'}`
      : `${withLoss} of ${runs.length} runs lost updates: a bug in the ${variant} variant`;
  }
  const clean = runs.filter((run) => run.lost === 0);
  if (clean.length === 0) return `every run lost updates (${runs.length} of ${runs.length})`;
  const apart = clean.filter((run) => run.overlapMs === 0).length;
  const why = [
    apart > 0 ? `in ${apart} the loops did not overlap at all (a late start, or too few free cores)` : '',
    apart < clean.length ? `in ${clean.length - apart} the loops overlapped but no two workers read the same value` : '',
  ];
  return `${withLoss} of ${runs.length} runs lost updates; ${clean.length} lost none (${why.filter(Boolean).join('; ')}); run again`;
}

const COLORS: Record<RaceLabVariant, string> = { plain: '#d62728', atomic: '#2ca02c', lock: '#1f77b4' };

/**
 * The final counter of every run, one column of dots per variant (a strip chart),
 * against the expected value K x M (dashed line): plain scatters below it, atomic
 * and lock sit on it.
 */
export function raceLabDistributionChart(result: RaceLabResult): ChartConfiguration {
  const variants = checkResult(result).variants;
  const datasets: ChartConfiguration<'scatter'>['data']['datasets'] = variants.map((entry, column) => ({
    label: `${entry.variant}: ${entry.runsWithLostUpdates}/${entry.runs.length} runs lost updates`,
    // A fixed horizontal spread (no randomness) so equal values do not hide each other.
    data: entry.runs.map((run) => ({ x: column + (((run.run * 7) % 11) - 5) * 0.04, y: run.final })),
    backgroundColor: COLORS[entry.variant],
    pointRadius: 5,
  }));
  datasets.push({
    label: `expected ${result.workers} x ${result.increments.toLocaleString('en-US')} = ${result.expected.toLocaleString('en-US')}`,
    data: [
      { x: -0.5, y: result.expected },
      { x: variants.length - 0.5, y: result.expected },
    ],
    showLine: true,
    borderColor: '#555555',
    borderDash: [6, 6],
    pointRadius: 0,
  });
  return {
    type: 'scatter',
    data: { datasets },
    options: {
      plugins: {
        title: {
          display: true,
          text:
            `Final counter per run: ${result.workers} workers x ` +
            `${result.increments.toLocaleString('en-US')} increments (${result.cores} cores)`,
        },
      },
      scales: {
        x: {
          min: -0.5,
          max: variants.length - 0.5,
          title: { display: true, text: 'variant' },
          // One tick per variant column (linear ticks would start at -0.5).
          afterBuildTicks: (axis) => {
            axis.ticks = variants.map((_, column) => ({ value: column }));
          },
          ticks: { callback: (value) => variants[Number(value)]?.variant ?? '' },
          grid: { display: false },
        },
        y: { min: 0, suggestedMax: result.expected * 1.08, title: { display: true, text: 'final counter value' } },
      },
    },
  };
}

/** What one run of each variant costs (median ms), with the cost per increment in the labels. */
export function raceLabCostChart(result: RaceLabResult): ChartConfiguration {
  const variants = checkResult(result).variants;
  return {
    type: 'bar',
    data: {
      labels: variants.map((entry) => `${entry.variant} (${entry.nsPerIncrement.toFixed(1)} ns/increment)`),
      datasets: [
        {
          label: 'median time of one run (ms)',
          data: variants.map((entry) => entry.medianMs),
          backgroundColor: variants.map((entry) => COLORS[entry.variant]),
        },
      ],
    },
    options: {
      plugins: {
        title: { display: true, text: `Cost of ${result.expected.toLocaleString('en-US')} increments by ${result.workers} workers` },
        legend: { display: false },
      },
      scales: { y: { beginAtZero: true, title: { display: true, text: 'ms per run (median)' } } },
    },
  };
}

function checkResult(result: RaceLabResult): RaceLabResult {
  if (typeof result !== 'object' || result === null || !Array.isArray(result.variants)) {
    throw new TypeError(`result must be what runRaceLab() resolved to, got ${describeValue(result)}`);
  }
  return result;
}
