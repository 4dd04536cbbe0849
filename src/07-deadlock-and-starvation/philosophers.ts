/**
 * The dining philosophers, for real: n worker threads, n fork Locks.
 *
 * `dinePhilosophers('naive')` deadlocks (all take their left fork, then wait for
 * the right one); the same watchdog as in the deadlock lab finds the cycle in
 * the wait-for graph and makes one philosopher give up, as often as needed.
 * 'ordered' (resource ordering) and 'waiter' (a Semaphore(n - 1) at the door)
 * avoid the deadlock altogether: the watchdog runs for them too, and finds nothing.
 * Every run returns within `timeoutMs` and leaves no worker behind.
 */
import type { ChartConfiguration } from 'chart.js';
import { Semaphore } from '../05-races-and-locks/semaphore.js';
import { Lock } from '../05-races-and-locks/shared-lock.js';
import { checkCount, checkOneOf, checkOptions, checkPositiveInteger, checkTimeout } from '../engine/validate.js';
import { LabTeam, rethrowFailures, timeBound } from '../05-races-and-locks/labs/lab-team.js';
import type { DiningStrategy, PhilosopherResult, PhilosopherSpec } from './philosopher-tasks.js';
import { superviseTeam, type DeadlockFound } from './supervisor.js';
import { TeamControl } from '../05-races-and-locks/labs/team-control.js';

const WORKER_MODULE = '07-deadlock-and-starvation/philosopher-tasks.ts';
export const DINING_STRATEGIES: readonly DiningStrategy[] = ['naive', 'ordered', 'waiter'];

export interface DiningOptions {
  /** How many philosophers (and forks), from 2 (default 5). */
  philosophers?: number;
  /** Meals each philosopher must eat (default 3). */
  meals?: number;
  /** Pause between the first and the second fork (ms, default 30): makes the naive deadlock certain. */
  pickupPauseMs?: number;
  /** Time spent eating (ms, default 5). */
  eatMs?: number;
  /** Longest random think before a meal (ms, default 5). */
  thinkMs?: number;
  /** Longest random back-off after giving up (ms, default 30). */
  backOffMs?: number;
  /** The run's time bound (ms, default 10000), worker start and clean-up included. */
  timeoutMs?: number;
  /** Watchdog poll interval (ms, default 10). */
  pollMs?: number;
  /** Consecutive polls that must show the same cycle (default 3). */
  confirmations?: number;
}

export interface DiningResult {
  readonly strategy: DiningStrategy;
  /** Meals eaten, per philosopher (P0, P1, ...). */
  readonly mealsPerPhilosopher: number[];
  /** Times each philosopher gave up and retried. */
  readonly retriesPerPhilosopher: number[];
  /** Everyone ate every meal within the bound. */
  readonly completed: boolean;
  readonly deadlockDetected: boolean;
  /** Every deadlock the watchdog found and broke, in order (graph, when, victim). */
  readonly deadlocks: DeadlockFound[];
  readonly durationMs: number;
  /** One sentence: the deadlocks found and broken, or why there were none. */
  readonly explanation: string;
}

function diningSettings(options: DiningOptions | undefined) {
  const given = checkOptions(options, 'options');
  const philosophers = checkPositiveInteger(given.philosophers ?? 5, 'philosophers');
  if (philosophers < 2) throw new RangeError(`philosophers must be at least 2 (two forks make a table), got ${philosophers}`);
  return {
    philosophers,
    meals: checkPositiveInteger(given.meals ?? 3, 'meals'),
    pickupPauseMs: checkCount(given.pickupPauseMs ?? 30, 'pickupPauseMs'),
    eatMs: checkCount(given.eatMs ?? 5, 'eatMs'),
    thinkMs: checkCount(given.thinkMs ?? 5, 'thinkMs'),
    backOffMs: checkPositiveInteger(given.backOffMs ?? 30, 'backOffMs'),
    timeoutMs: checkTimeout(given.timeoutMs ?? 10_000, 'timeoutMs') as number,
    pollMs: checkPositiveInteger(given.pollMs ?? 10, 'pollMs'),
    confirmations: checkPositiveInteger(given.confirmations ?? 3, 'confirmations'),
  };
}

/** Seats the philosophers, lets them eat with one strategy under a deadlock watchdog, and reports. */
export async function dinePhilosophers(strategy: DiningStrategy, options?: DiningOptions): Promise<DiningResult> {
  checkOneOf(strategy, 'strategy', DINING_STRATEGIES);
  const settings = diningSettings(options);
  const bound = timeBound(settings.timeoutMs);
  const forks = Array.from({ length: settings.philosophers }, () => new Lock());
  const waiter = strategy === 'waiter' ? new Semaphore(settings.philosophers - 1) : undefined;
  const control = new TeamControl(settings.philosophers);
  const spec = (index: number): PhilosopherSpec => ({
    index,
    control: control.handle,
    forks: forks.map((fork) => fork.handle),
    waiter: waiter?.handle,
    strategy,
    meals: settings.meals,
    pickupPauseMs: settings.pickupPauseMs,
    eatMs: settings.eatMs,
    thinkMs: settings.thinkMs,
    backOffMs: settings.backOffMs,
  });
  const team = new LabTeam<PhilosopherResult>(
    WORKER_MODULE,
    forks.map((_, index) => ({ name: `P${index}`, task: 'philosopherTask', args: [spec(index)] })),
    control,
  );
  try {
    await team.start(bound.work);
    const startedAt = performance.now();
    const named = Object.fromEntries(forks.map((fork, index) => [`fork ${index}`, fork]));
    const deadlocks = await superviseTeam(team, named, {
      pollMs: settings.pollMs,
      confirmations: settings.confirmations,
      deadline: bound.work,
      startedAt,
      breakBy: 'give-up',
    });
    const durationMs = performance.now() - startedAt;
    rethrowFailures(await team.finish(bound.end));
    const mealsPerPhilosopher = control.allProgress();
    return {
      strategy,
      mealsPerPhilosopher,
      retriesPerPhilosopher: control.allRetries(),
      completed: mealsPerPhilosopher.every((meals) => meals === settings.meals),
      deadlockDetected: deadlocks.length > 0,
      deadlocks,
      durationMs,
      explanation: explainTable(strategy, deadlocks.length),
    };
  } finally {
    await team.terminateAll();
  }
}

/** The sentence of DiningResult.explanation. */
function explainTable(strategy: DiningStrategy, deadlocks: number): string {
  if (deadlocks > 0) return `${deadlocks} deadlock${deadlocks === 1 ? '' : 's'} found and broken (a victim gave up its fork)`;
  if (strategy !== 'naive') return `no deadlock, as expected: the '${strategy}' table cannot close a cycle`;
  return (
    'no deadlock this run: the philosophers never all held their left fork at the same moment ' +
    '(on a busy machine some started late and ate before the others sat down); run again'
  );
}

/** Runs every strategy (or the given ones) one after the other, with the same options. */
export async function compareDiningStrategies(
  options?: DiningOptions,
  strategies: readonly DiningStrategy[] = DINING_STRATEGIES,
): Promise<DiningResult[]> {
  if (!Array.isArray(strategies) || strategies.length === 0) {
    throw new TypeError(`strategies must be a non-empty array, e.g. ['naive', 'ordered'], got ${String(strategies)}`);
  }
  strategies.forEach((strategy, index) => checkOneOf(strategy, `strategies[${index}]`, DINING_STRATEGIES));
  const results: DiningResult[] = [];
  for (const strategy of strategies) results.push(await dinePhilosophers(strategy, options));
  return results;
}

/** Grouped bars: meals per philosopher, one color per strategy (deadlocks found in the legend). */
export function diningChart(results: readonly DiningResult[]): ChartConfiguration {
  const colors: Record<DiningStrategy, string> = { naive: '#d62728', ordered: '#1f77b4', waiter: '#2ca02c' };
  const philosophers = Math.max(0, ...results.map((result) => result.mealsPerPhilosopher.length));
  return {
    type: 'bar',
    data: {
      labels: Array.from({ length: philosophers }, (_, index) => `P${index}`),
      datasets: results.map((result) => ({
        label:
          `${result.strategy} (${result.deadlocks.length} deadlock${result.deadlocks.length === 1 ? '' : 's'} broken` +
          `${result.completed ? '' : ', unfinished'})`,
        data: result.mealsPerPhilosopher,
        backgroundColor: colors[result.strategy],
      })),
    },
    options: {
      plugins: { title: { display: true, text: 'Dining philosophers: meals eaten per philosopher' } },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'meals' } } },
    },
  };
}
