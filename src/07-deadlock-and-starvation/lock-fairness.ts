/**
 * Starvation by an unfair lock, measured: N workers take the same lock again
 * and again for a fixed time, and each counts its turns.
 *
 * With the test-and-set lock, the worker that releases usually takes the lock
 * straight back before the one it woke is even running: a few workers get
 * nearly all the turns. With the ticket lock, turns go strictly in order, so the
 * counts come out nearly equal (and the total is lower: every turn waits for
 * the next in line to wake up). Two figures sum the balance up: min/max count,
 * and Jain's fairness index (1 = perfectly equal, 1/N = one worker got everything).
 */
import type { ChartConfiguration } from 'chart.js';
import { availableParallelism } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { Lock } from '../05-races-and-locks/shared-lock.js';
import { checkCount, checkOneOf, checkOptions, checkPositiveInteger } from '../engine/validate.js';
import type { FairnessLockKind, LockHammerSpec } from './fairness-tasks.js';
import { LabTeam, rethrowFailures, timeBound } from '../05-races-and-locks/labs/lab-team.js';
import { TeamControl } from '../05-races-and-locks/labs/team-control.js';
import { TestAndSetLock } from './test-and-set-lock.js';
import { TicketLock } from './ticket-lock.js';

export type { FairnessLockKind } from './fairness-tasks.js';

const WORKER_MODULE = '07-deadlock-and-starvation/fairness-tasks.ts';
const KINDS: readonly FairnessLockKind[] = ['test-and-set', 'ticket', 'lock'];

export interface LockFairnessOptions {
  /** Workers taking turns (default 4). */
  workers?: number;
  /** How long they run (ms, default 500). */
  durationMs?: number;
  /** How long each turn holds the lock (microseconds, default 20; 0 = release at once). */
  holdMicros?: number;
}

export interface LockFairnessResult {
  readonly kind: FairnessLockKind;
  /** Turns per worker, counted at the moment the lab said stop. */
  readonly acquisitionsPerWorker: number[];
  readonly total: number;
  /** Fewest turns / most turns (1 = equal, 0 = someone starved completely). */
  readonly minOverMax: number;
  /** Jain's index: (Σx)² / (n·Σx²), from 1/n (one worker got all) to 1 (all equal). */
  readonly jainIndex: number;
  /** The least-served worker's share of all turns (0 to 1; a fair lock gives each about 1/N). */
  readonly minShare: number;
  /** Starvation showed: some worker got less than half of its fair share (1/N) of the turns. */
  readonly starved: boolean;
  /** Share of this machine's cores the workers got during the run (0 to 1): low when other programs were busy. */
  readonly cpuShare: number;
  /** One sentence: who starved and how badly, or that the turns were shared, and why. */
  readonly explanation: string;
  readonly durationMs: number;
}

/** Jain's fairness index of some shares. */
export function jainIndex(shares: readonly number[]): number {
  const sum = shares.reduce((a, b) => a + b, 0);
  const squares = shares.reduce((a, b) => a + b * b, 0);
  return squares === 0 ? 1 : (sum * sum) / (shares.length * squares);
}

function makeLock(kind: FairnessLockKind): TestAndSetLock | TicketLock | Lock {
  if (kind === 'test-and-set') return new TestAndSetLock();
  if (kind === 'ticket') return new TicketLock();
  return new Lock();
}

/** Runs `workers` workers hammering one lock of `kind` for `durationMs` and counts each one's turns. */
export async function measureLockFairness(kind: FairnessLockKind, options?: LockFairnessOptions): Promise<LockFairnessResult> {
  checkOneOf(kind, 'kind', KINDS);
  const given = checkOptions(options, 'options');
  const workers = checkPositiveInteger(given.workers ?? 4, 'workers');
  const durationMs = checkPositiveInteger(given.durationMs ?? 500, 'durationMs');
  const holdMicros = checkCount(given.holdMicros ?? 20, 'holdMicros');
  // Worker start (about 0.1 s each on a small machine) and clean-up come on top of the run itself.
  const bound = timeBound(durationMs + 5000 + 200 * workers);
  const lock = makeLock(kind);
  const control = new TeamControl(workers);
  const spec = (index: number): LockHammerSpec => ({ index, control: control.handle, kind, handle: lock.handle, holdMicros });
  const team = new LabTeam<number>(
    WORKER_MODULE,
    Array.from({ length: workers }, (_, index) => ({ name: `worker-${index}`, task: 'lockHammerTask', args: [spec(index)] })),
    control,
  );
  try {
    await team.start(bound.work);
    const startedAt = performance.now();
    const cpuAtStart = process.cpuUsage();
    await delay(durationMs);
    const acquisitionsPerWorker = control.allProgress();
    const elapsed = performance.now() - startedAt;
    const cpu = process.cpuUsage(cpuAtStart);
    // Every worker is always busy (spinning, holding or taking the lock): on a quiet machine they fill min(workers, cores) cores.
    const cpuShare = (cpu.user + cpu.system) / 1000 / (elapsed * Math.min(workers, availableParallelism()));
    rethrowFailures(await team.finish(bound.end));
    const total = acquisitionsPerWorker.reduce((a, b) => a + b, 0);
    const most = Math.max(...acquisitionsPerWorker);
    const fewest = Math.min(...acquisitionsPerWorker);
    const minShare = total === 0 ? 0 : fewest / total;
    return {
      kind,
      acquisitionsPerWorker,
      total,
      minOverMax: most === 0 ? 1 : fewest / most,
      jainIndex: jainIndex(acquisitionsPerWorker),
      minShare,
      starved: minShare < 1 / (2 * workers),
      cpuShare,
      explanation: explainFairness(acquisitionsPerWorker, total, minShare, cpuShare),
      durationMs: elapsed,
    };
  } finally {
    await team.terminateAll();
  }
}

/** The sentence of LockFairnessResult.explanation. */
function explainFairness(counts: readonly number[], total: number, minShare: number, cpuShare: number): string {
  const fair = 100 / counts.length;
  const unlucky = counts.indexOf(Math.min(...counts));
  const share = `worker-${unlucky} got ${(100 * minShare).toFixed(1)}% of the ${total} turns (a fair share is ${fair.toFixed(0)}%)`;
  if (total === 0) return 'nobody got the lock at all: the workers did not start in time (a very busy machine); run again';
  if (minShare < 1 / (2 * counts.length)) return `starvation: ${share}`;
  if (cpuShare < 0.75) {
    return (
      `no worker starved this run: ${share}. The machine was busy: the workers got only ` +
      `${(100 * cpuShare).toFixed(0)}% of the cores they could use, so the OS kept pausing them, and each ` +
      `pause of the lock's favorite hands the lock to another worker; run again on a quiet machine`
    );
  }
  return `no worker starved this run: ${share}; with an unfair lock, that means the others often let go (or were descheduled) at the right moment; run again`;
}

/** Measures each kind in turn (default: the test-and-set lock, then the ticket lock). */
export async function compareLockFairness(
  options?: LockFairnessOptions,
  kinds: readonly FairnessLockKind[] = ['test-and-set', 'ticket'],
): Promise<LockFairnessResult[]> {
  if (!Array.isArray(kinds) || kinds.length === 0) {
    throw new TypeError(`kinds must be a non-empty array, e.g. ['test-and-set', 'ticket'], got ${String(kinds)}`);
  }
  kinds.forEach((kind, index) => checkOneOf(kind, `kinds[${index}]`, KINDS));
  const results: LockFairnessResult[] = [];
  for (const kind of kinds) results.push(await measureLockFairness(kind, options));
  return results;
}

/**
 * Grouped bars: acquisitions per worker, one color per lock (Jain's index in the
 * legend). `show: 'share'` plots each worker's % of its lock's turns instead,
 * which compares locks with very different totals.
 */
export function lockFairnessChart(results: readonly LockFairnessResult[], show: 'count' | 'share' = 'count'): ChartConfiguration {
  checkOneOf(show, 'show', ['count', 'share'] as const);
  const colors: Record<FairnessLockKind, string> = { 'test-and-set': '#d62728', ticket: '#2ca02c', lock: '#1f77b4' };
  const workers = Math.max(0, ...results.map((result) => result.acquisitionsPerWorker.length));
  return {
    type: 'bar',
    data: {
      labels: Array.from({ length: workers }, (_, index) => `worker-${index}`),
      datasets: results.map((result) => ({
        label: `${result.kind} lock (${result.total} turns, Jain ${result.jainIndex.toFixed(2)})`,
        data: result.acquisitionsPerWorker.map((count) =>
          show === 'count' ? count : result.total === 0 ? 0 : (100 * count) / result.total,
        ),
        backgroundColor: colors[result.kind],
      })),
    },
    options: {
      plugins: { title: { display: true, text: 'Who gets the lock? Acquisitions per worker, same time for every lock' } },
      scales: {
        y: { beginAtZero: true, title: { display: true, text: show === 'count' ? 'acquisitions' : "% of the lock's acquisitions" } },
      },
    },
  };
}
