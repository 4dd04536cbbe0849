/**
 * The deadlock lab: two workers, two locks, opposite order (AB/BA).
 *
 * `demonstrateDeadlock` makes the deadlock form (each worker takes its first
 * lock, pauses, then waits for the other's), lets a watchdog on the main thread
 * find the cycle in the wait-for graph, and breaks it: by default the victim
 * gives up and retries (both workers then finish); with `breakBy: 'terminate'`
 * the victim is ended instead, which shows why that does not work (its lock
 * stays held, the other worker stays stuck) before the lab stops everything.
 *
 * `runDeadlockFix` runs the same two workers with a fix, for real:
 * - 'ordered': one global lock order, so no cycle can form;
 * - 'try-backoff': tryAcquire the second lock; if busy, release, random back-off, retry;
 * - 'timeout-retry': acquire the second lock with a timeout; on timeout, release, back off, retry.
 * ('naive' runs the deadlocking version with no watchdog: it does not finish within the bound.)
 *
 * Every run returns within its `timeoutMs` and leaves no worker behind, deadlock or not.
 */
import type { ChartConfiguration } from 'chart.js';
import { Lock } from '../05-races-and-locks/shared-lock.js';
import { checkCount, checkOneOf, checkOptions, checkPositiveInteger, checkTimeout } from '../engine/validate.js';
import type { LockPairResult, LockPairSpec, PairStrategy } from './deadlock-tasks.js';
import { LabTeam, rethrowFailures, timeBound, type MemberEnd, type TimeBound } from '../05-races-and-locks/labs/lab-team.js';
import { superviseTeam, type BreakMethod } from './supervisor.js';
import { TeamControl } from '../05-races-and-locks/labs/team-control.js';
import { buildWaitForGraph, describeCycle, type WaitForGraph } from './wait-for-graph.js';

const WORKER_MODULE = '07-deadlock-and-starvation/deadlock-tasks.ts';
const STRATEGIES: readonly PairStrategy[] = ['naive', 'ordered', 'try-backoff', 'timeout-retry'];
/** The fixes runDeadlockLab runs by default. */
export const DEADLOCK_FIXES: readonly PairStrategy[] = ['ordered', 'try-backoff', 'timeout-retry'];

export interface PairWorkerReport {
  readonly name: string;
  /** The order this worker takes the locks in when left to itself. */
  readonly order: string;
  /** 'stopped': it returned when the lab asked the team to stop, before doing all its rounds. */
  readonly status: MemberEnd<unknown>['status'] | 'stopped';
  readonly rounds: number;
  readonly retries: number;
}

interface PairRun {
  readonly team: LabTeam<LockPairResult>;
  readonly locks: { readonly A: Lock; readonly B: Lock };
  readonly bound: TimeBound;
}

interface PairSettings {
  strategy: PairStrategy;
  rounds: number;
  pauseMs: number;
  backOffMs: number;
  acquireTimeoutMs: number;
  timeoutMs: number;
}

/** Starts worker-0 (A then B) and worker-1 (B then A), ready at the start gate. */
function startPair(settings: PairSettings): PairRun {
  const bound = timeBound(settings.timeoutMs);
  const locks = { A: new Lock(), B: new Lock() };
  const ranked = { A: { name: 'A', rank: 0, handle: locks.A.handle }, B: { name: 'B', rank: 1, handle: locks.B.handle } };
  const control = new TeamControl(2);
  const spec = (index: number): LockPairSpec => ({
    index,
    control: control.handle,
    locks: index === 0 ? [ranked.A, ranked.B] : [ranked.B, ranked.A],
    strategy: settings.strategy,
    rounds: settings.rounds,
    pauseMs: settings.pauseMs,
    backOffMs: settings.backOffMs,
    acquireTimeoutMs: settings.acquireTimeoutMs,
  });
  const team = new LabTeam<LockPairResult>(
    WORKER_MODULE,
    [0, 1].map((index) => ({ name: `worker-${index}`, task: 'lockPairTask', args: [spec(index)] })),
    control,
  );
  return { team, locks, bound };
}

function reportWorkers(run: PairRun, ends: readonly MemberEnd<LockPairResult>[]): PairWorkerReport[] {
  return ends.map((end, index) => ({
    name: end.name,
    order: index === 0 ? 'A then B' : 'B then A',
    status: end.status === 'finished' && end.value.stopped ? 'stopped' : end.status,
    rounds: run.team.control.progress(index),
    retries: run.team.control.retries(index),
  }));
}

// ---------------------------------------------------------------- the deadlock

export interface DeadlockDemoOptions {
  /** Pause between the first and the second lock (ms, default 50): long enough that the deadlock always forms. */
  pauseMs?: number;
  /** How the watchdog breaks the deadlock: 'give-up' (default) or 'terminate' (to see why not). */
  breakBy?: BreakMethod;
  /** The whole demo's time bound in ms (default 8000), worker start and clean-up included. */
  timeoutMs?: number;
  /** Watchdog poll interval in ms (default 10). */
  pollMs?: number;
  /** Consecutive polls that must show the same cycle (default 3). */
  confirmations?: number;
}

export interface DeadlockDemo {
  /** A cycle was found (the deadlock formed). */
  readonly deadlocked: boolean;
  /** The wait-for graph when the cycle was confirmed (or the last look, if none was). */
  readonly graph: WaitForGraph;
  /** The cycle's node ids, e.g. ['worker-0', 'B', 'worker-1', 'A']. */
  readonly cycle: string[];
  /** The cycle in words. */
  readonly description: string;
  /** Milliseconds from the start gate to the confirmed cycle. */
  readonly detectedAfterMs: number | undefined;
  readonly victim: string | undefined;
  readonly brokenBy: BreakMethod;
  /** The graph just before the lab stopped the workers: empty after a give-up; after a terminate, the survivor still waiting. */
  readonly finalGraph: WaitForGraph;
  /** Every worker finished its round. */
  readonly completed: boolean;
  readonly workers: PairWorkerReport[];
  readonly durationMs: number;
  /** One sentence: the cycle and when it was found, or why no deadlock formed this run. */
  readonly explanation: string;
}

/** Makes the AB/BA deadlock form, finds its cycle in the wait-for graph, breaks it, and reports. */
export async function demonstrateDeadlock(options?: DeadlockDemoOptions): Promise<DeadlockDemo> {
  const given = checkOptions(options, 'options');
  const pauseMs = checkPositiveInteger(given.pauseMs ?? 50, 'pauseMs');
  const breakBy = checkOneOf(given.breakBy ?? 'give-up', 'breakBy', ['give-up', 'terminate'] as const);
  const timeoutMs = checkTimeout(given.timeoutMs ?? 8000, 'timeoutMs') as number;
  const pollMs = checkPositiveInteger(given.pollMs ?? 10, 'pollMs');
  const confirmations = checkPositiveInteger(given.confirmations ?? 3, 'confirmations');

  const run = startPair({ strategy: 'naive', rounds: 1, pauseMs, backOffMs: pauseMs, acquireTimeoutMs: pauseMs, timeoutMs });
  try {
    await run.team.start(run.bound.work);
    const startedAt = performance.now();
    const found = await superviseTeam(run.team, run.locks, { pollMs, confirmations, deadline: run.bound.work, startedAt, breakBy });
    if (breakBy === 'terminate' && found.length > 0) {
      // Give the survivor a fair chance: if the victim's lock were freed, it would finish now.
      await run.team.waitAll(Math.min(run.bound.work, performance.now() + 20 * pollMs));
    }
    // Ended threads keep their place in the locks' memory: say so in their names.
    const finalGraph = buildWaitForGraph(run.locks, run.team.threadNamesMarkingEnded);
    const ends = await run.team.finish(run.bound.end);
    rethrowFailures(ends);
    const workers = reportWorkers(run, ends);
    const first = found[0];
    const graph = first?.graph ?? finalGraph;
    const explanation = first
      ? `deadlock: ${describeCycle(first.graph)}, found ${first.afterMs.toFixed(0)} ms after the start`
      : 'no deadlock this run: the watchdog saw no cycle before its time bound (one worker ' +
        'took both locks before the other took its first: the machine was too busy for them to meet); run again';
    return {
      deadlocked: first !== undefined,
      graph,
      cycle: graph.cycle,
      description: describeCycle(graph),
      detectedAfterMs: first?.afterMs,
      victim: first?.victim,
      brokenBy: breakBy,
      finalGraph,
      completed: workers.every((worker) => worker.rounds >= 1),
      workers,
      durationMs: performance.now() - startedAt,
      explanation,
    };
  } finally {
    await run.team.terminateAll();
  }
}

// ---------------------------------------------------------------- the fixes

export interface DeadlockFixOptions {
  /** Rounds per worker (default 5). */
  rounds?: number;
  /** Pause between the first and the second lock (ms, default 20). */
  pauseMs?: number;
  /** Longest random back-off before a retry (ms, default 20). */
  backOffMs?: number;
  /** 'timeout-retry': base timeout for the second lock (ms, default 20; up to as much again is added at random). */
  acquireTimeoutMs?: number;
  /**
   * Time bound of one run (ms, default 8000), from the start gate, clean-up included.
   * Starting the two workers comes on top (up to START_ALLOWANCE_MS on a busy machine).
   */
  timeoutMs?: number;
}

/** Longest time runDeadlockFix waits for its two workers to reach the start gate (ms). */
export const START_ALLOWANCE_MS = 10_000;

export interface DeadlockFixResult {
  readonly strategy: PairStrategy;
  /** Both workers did all their rounds within the bound. */
  readonly completed: boolean;
  /** From the start gate to the end of both workers (or to the bound). */
  readonly timeMs: number;
  /** Back-offs, both workers together. */
  readonly retries: number;
  readonly workers: PairWorkerReport[];
  /** At the time bound, the wait-for graph still had a cycle: the workers were deadlocked (only 'naive' can). */
  readonly deadlocked: boolean;
  /** One sentence: finished, deadlocked (the cycle), or stuck without a cycle. */
  readonly explanation: string;
}

function fixSettings(strategy: unknown, options: DeadlockFixOptions | undefined): PairSettings {
  const given = checkOptions(options, 'options');
  return {
    strategy: checkOneOf(strategy, 'strategy', STRATEGIES),
    rounds: checkPositiveInteger(given.rounds ?? 5, 'rounds'),
    pauseMs: checkCount(given.pauseMs ?? 20, 'pauseMs'),
    backOffMs: checkPositiveInteger(given.backOffMs ?? 20, 'backOffMs'),
    acquireTimeoutMs: checkPositiveInteger(given.acquireTimeoutMs ?? 20, 'acquireTimeoutMs'),
    timeoutMs: checkTimeout(given.timeoutMs ?? 8000, 'timeoutMs') as number,
  };
}

/** Runs the two AB/BA workers with one strategy and says whether, how fast and with how many retries they finished. */
export async function runDeadlockFix(strategy: PairStrategy, options?: DeadlockFixOptions): Promise<DeadlockFixResult> {
  const settings = fixSettings(strategy, options);
  const run = startPair(settings);
  try {
    // A busy machine may take seconds to start two workers: the bound counts from the gate.
    await run.team.start(performance.now() + START_ALLOWANCE_MS);
    const bound = timeBound(settings.timeoutMs);
    const startedAt = performance.now();
    const allEnded = await run.team.waitAll(bound.work);
    const timeMs = performance.now() - startedAt;
    // Look before the workers are stopped: a cycle now is a deadlock that outlived the bound.
    const graph = allEnded ? undefined : buildWaitForGraph(run.locks, run.team.threadNames);
    const ends = await run.team.finish(bound.end);
    rethrowFailures(ends);
    const workers = reportWorkers(run, ends);
    const completed = allEnded && workers.every((worker) => worker.rounds === settings.rounds);
    const deadlocked = graph !== undefined && graph.cycle.length > 0;
    return {
      strategy: settings.strategy,
      completed,
      timeMs,
      retries: workers.reduce((sum, worker) => sum + worker.retries, 0),
      workers,
      deadlocked,
      explanation: graph?.cycle.length
        ? `deadlocked: ${describeCycle(graph)} until the time bound (${timeMs.toFixed(0)} ms), then the lab stopped both`
        : completed
          ? `finished: both workers did all ${settings.rounds} rounds in ${timeMs.toFixed(0)} ms`
          : `not finished within ${timeMs.toFixed(0)} ms, but no cycle of waits at the end: the workers were slow, not deadlocked`,
    };
  } finally {
    await run.team.terminateAll();
  }
}

export interface DeadlockLabOptions extends DeadlockDemoOptions {
  /** Fixes to run after the demo (default DEADLOCK_FIXES). */
  fixes?: readonly PairStrategy[];
  /** Options for every fix run. */
  fixOptions?: DeadlockFixOptions;
}

export interface DeadlockLabResult {
  readonly deadlock: DeadlockDemo;
  readonly fixes: DeadlockFixResult[];
}

/** The whole lab: the deadlock (found and broken), then each fix run for real. */
export async function runDeadlockLab(options?: DeadlockLabOptions): Promise<DeadlockLabResult> {
  const given = checkOptions(options, 'options');
  const fixes = given.fixes ?? DEADLOCK_FIXES;
  if (!Array.isArray(fixes)) throw new TypeError(`fixes must be an array of strategies, e.g. ['ordered'], got ${typeof fixes}`);
  fixes.forEach((fix, index) => checkOneOf(fix, `fixes[${index}]`, STRATEGIES));
  const { fixes: _fixes, fixOptions, ...demoOptions } = given;
  const deadlock = await demonstrateDeadlock(demoOptions);
  const results: DeadlockFixResult[] = [];
  for (const fix of fixes) results.push(await runDeadlockFix(fix, fixOptions));
  return { deadlock, fixes: results };
}

/** Bar chart: time to finish (left axis) and retries (right axis) per strategy; unfinished runs are marked. */
export function deadlockFixChart(results: readonly DeadlockFixResult[]): ChartConfiguration {
  return {
    type: 'bar',
    data: {
      labels: results.map((result) => (result.completed ? result.strategy : `${result.strategy} (did not finish)`)),
      datasets: [
        { label: 'time (ms)', data: results.map((result) => result.timeMs), backgroundColor: '#1f77b4', yAxisID: 'y' },
        { label: 'retries', data: results.map((result) => result.retries), backgroundColor: '#ff7f0e', yAxisID: 'retries' },
      ],
    },
    options: {
      plugins: { title: { display: true, text: 'Two workers, two locks, AB/BA: each fix run for real' } },
      scales: {
        y: { beginAtZero: true, grace: '10%', title: { display: true, text: 'ms until both finished' } },
        retries: {
          position: 'right',
          beginAtZero: true,
          grace: '10%',
          ticks: { precision: 0 },
          grid: { drawOnChartArea: false },
          title: { display: true, text: 'retries' },
        },
      },
    },
  };
}
