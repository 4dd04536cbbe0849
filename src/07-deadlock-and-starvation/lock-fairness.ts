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
    await delay(durationMs);
    const acquisitionsPerWorker = control.allProgress();
    const elapsed = performance.now() - startedAt;
    rethrowFailures(await team.finish(bound.end));
    const total = acquisitionsPerWorker.reduce((a, b) => a + b, 0);
    const most = Math.max(...acquisitionsPerWorker);
    return {
      kind,
      acquisitionsPerWorker,
      total,
      minOverMax: most === 0 ? 1 : Math.min(...acquisitionsPerWorker) / most,
      jainIndex: jainIndex(acquisitionsPerWorker),
      durationMs: elapsed,
    };
  } finally {
    await team.terminateAll();
  }
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
 * Grouped bars: acquisitions per worker, one colour per lock (Jain's index in the
 * legend). `show: 'share'` plots each worker's % of its lock's turns instead,
 * which compares locks with very different totals.
 */
export function lockFairnessChart(results: readonly LockFairnessResult[], show: 'count' | 'share' = 'count'): ChartConfiguration {
  checkOneOf(show, 'show', ['count', 'share'] as const);
  const colours: Record<FairnessLockKind, string> = { 'test-and-set': '#d62728', ticket: '#2ca02c', lock: '#1f77b4' };
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
        backgroundColor: colours[result.kind],
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
