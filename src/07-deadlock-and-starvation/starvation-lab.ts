/**
 * The starvation lab.
 *
 * Part (a), event-loop starvation, runs on this thread: a timer is set for
 * `timerMs` and a file-system request (an I/O callback) is started, then
 * something keeps the thread busy for `busyMs`, and we see when the timer and
 * the I/O callback finally run. The event loop only reaches timers and I/O
 * between callbacks, and only after the nextTick queue and the microtask queue
 * are empty. So:
 * - 'cpu-loop' (a synchronous loop), 'nextTick-chain' (each tick schedules the
 *   next), 'microtask-chain' (each microtask queues the next) and 'await-loop'
 *   (an async loop that only awaits resolved promises) all hold the timer and
 *   the I/O back until they end: the timer fires about `busyMs` late;
 * - 'setImmediate-chain' does the same amount of scheduling but through the
 *   check phase, once per loop turn, so timers and I/O get their turn: on time;
 * - 'baseline' waits idly, for comparison.
 * The lag meter (unit 01) shows the same thing as event-loop delay (p99 and max).
 * Every busy scenario stops itself after `busyMs`: the lab always ends.
 *
 * Part (b), starvation by an unfair lock, is in lock-fairness.ts;
 * `runStarvationLab` runs both.
 */
import type { ChartConfiguration } from 'chart.js';
import { stat } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { LagMeter } from '../01-threads-vs-async/lag-meter.js';
import { checkOneOf, checkOptions, checkPositiveInteger } from '../engine/validate.js';
import { compareLockFairness, type FairnessLockKind, type LockFairnessOptions, type LockFairnessResult } from './lock-fairness.js';

export type StarvationScenario = 'baseline' | 'cpu-loop' | 'nextTick-chain' | 'microtask-chain' | 'await-loop' | 'setImmediate-chain';

export const STARVATION_SCENARIOS: readonly StarvationScenario[] = [
  'baseline',
  'cpu-loop',
  'nextTick-chain',
  'microtask-chain',
  'await-loop',
  'setImmediate-chain',
];

/** The longest a scenario may keep this thread (in a notebook, the kernel) busy. */
export const MAX_BUSY_MS = 5000;

export interface EventLoopStarvationOptions {
  /** How long each scenario keeps the thread busy (ms, default 200, at most MAX_BUSY_MS). */
  busyMs?: number;
  /** The probe timer's delay (ms, default 10). */
  timerMs?: number;
  /** Which scenarios to run (default all, in STARVATION_SCENARIOS order). */
  scenarios?: readonly StarvationScenario[];
}

export interface StarvationRow {
  readonly scenario: StarvationScenario;
  /** When the timer was due (ms after it was set). */
  readonly expectedTimerMs: number;
  /** When it actually ran. */
  readonly observedTimerMs: number;
  /** observed - expected: how late the timer was. */
  readonly timerLateMs: number;
  /** When the I/O callback (an fs.stat) ran, ms after the request. */
  readonly ioCallbackMs: number;
  /** Event-loop delay during the scenario (lag meter), p99 and max, ms. */
  readonly lagP99Ms: number;
  readonly lagMaxMs: number;
  /** Loop turns, ticks, microtasks or immediates the scenario ran. */
  readonly steps: number;
  /** The event loop starved: the timer ran at least half of the busy time late. */
  readonly starved: boolean;
  /** One sentence: how late the timer was, and whether that is starvation. */
  readonly explanation: string;
}

/** Keeps the thread busy the scenario's way for `busyMs` from `start`; resolves with the steps taken. */
function starve(scenario: StarvationScenario, busyMs: number, start: number): Promise<number> {
  const busy = (): boolean => performance.now() - start < busyMs;
  let steps = 0;
  switch (scenario) {
    case 'baseline':
      return delay(busyMs).then(() => 0);
    case 'cpu-loop':
      while (busy()) steps++;
      return Promise.resolve(steps);
    case 'await-loop':
      return (async () => {
        while (busy()) {
          steps++;
          await null;
        }
        return steps;
      })();
    default: {
      const schedule =
        scenario === 'nextTick-chain'
          ? (step: () => void) => process.nextTick(step)
          : scenario === 'microtask-chain'
            ? (step: () => void) => queueMicrotask(step)
            : (step: () => void) => void setImmediate(step);
      return new Promise((resolve) => {
        const step = (): void => {
          steps++;
          if (busy()) schedule(step);
          else resolve(steps);
        };
        schedule(step);
      });
    }
  }
}

/** Lag meter sampling interval (ms); its figures are the delay beyond it (about 0 for an idle loop). */
const LAG_RESOLUTION_MS = 5;

async function runScenario(scenario: StarvationScenario, busyMs: number, timerMs: number): Promise<StarvationRow> {
  const meter = new LagMeter({ resolutionMs: LAG_RESOLUTION_MS }).start();
  try {
    await meter.sampling();
    const start = performance.now();
    const timer = new Promise<number>((resolve) => setTimeout(() => resolve(performance.now() - start), timerMs));
    const io = new Promise<number>((resolve) => stat(process.cwd(), () => resolve(performance.now() - start)));
    const steps = await starve(scenario, busyMs, start);
    const [observedTimerMs, ioCallbackMs] = await Promise.all([timer, io]);
    await delay(2 * LAG_RESOLUTION_MS); // one more sample after the busy spell
    const lag = meter.stop();
    const timerLateMs = observedTimerMs - timerMs;
    const starved = timerLateMs >= busyMs / 2;
    return {
      scenario,
      expectedTimerMs: timerMs,
      observedTimerMs,
      timerLateMs,
      ioCallbackMs,
      lagP99Ms: lag.p99,
      lagMaxMs: lag.max,
      steps,
      starved,
      explanation: starved
        ? `starved: the ${timerMs} ms timer ran ${timerLateMs.toFixed(0)} ms late, after the ${busyMs} ms busy spell`
        : `not starved: the ${timerMs} ms timer ran ${timerLateMs.toFixed(0)} ms late, during the ${busyMs} ms busy spell`,
    };
  } finally {
    if (meter.running) meter.stop();
  }
}

/** Runs each scenario in turn on this thread and reports timer delay, I/O delay and event-loop lag. */
export async function measureEventLoopStarvation(options?: EventLoopStarvationOptions): Promise<StarvationRow[]> {
  const given = checkOptions(options, 'options');
  const busyMs = checkPositiveInteger(given.busyMs ?? 200, 'busyMs');
  if (busyMs > MAX_BUSY_MS) {
    throw new RangeError(`busyMs must be at most ${MAX_BUSY_MS} (it freezes this thread, in a notebook the kernel), got ${busyMs}`);
  }
  const timerMs = checkPositiveInteger(given.timerMs ?? 10, 'timerMs');
  const scenarios = given.scenarios ?? STARVATION_SCENARIOS;
  if (!Array.isArray(scenarios) || scenarios.length === 0) {
    throw new TypeError(`scenarios must be a non-empty array, e.g. ['cpu-loop', 'nextTick-chain'], got ${String(scenarios)}`);
  }
  scenarios.forEach((scenario, index) => checkOneOf(scenario, `scenarios[${index}]`, STARVATION_SCENARIOS));
  const rows: StarvationRow[] = [];
  for (const scenario of scenarios) rows.push(await runScenario(scenario, busyMs, timerMs));
  return rows;
}

/** Bars per scenario: when the timer was due, when it ran, and the event-loop lag p99 (ms). */
export function eventLoopStarvationChart(rows: readonly StarvationRow[]): ChartConfiguration {
  return {
    type: 'bar',
    data: {
      labels: rows.map((row) => row.scenario),
      datasets: [
        { label: 'timer due (ms)', data: rows.map((row) => row.expectedTimerMs), backgroundColor: '#2ca02c' },
        { label: 'timer ran (ms)', data: rows.map((row) => row.observedTimerMs), backgroundColor: '#d62728' },
        { label: 'I/O callback ran (ms)', data: rows.map((row) => row.ioCallbackMs), backgroundColor: '#9467bd' },
        { label: 'event-loop lag p99 (ms)', data: rows.map((row) => row.lagP99Ms), backgroundColor: '#1f77b4' },
      ],
    },
    options: {
      plugins: { title: { display: true, text: 'Who starves the timers? A timer set for a few ms, while the thread is kept busy' } },
      scales: { y: { beginAtZero: true, title: { display: true, text: 'ms' } } },
    },
  };
}

export interface StarvationLabOptions {
  eventLoop?: EventLoopStarvationOptions;
  locks?: LockFairnessOptions;
  /** Locks to compare (default the test-and-set lock and the ticket lock). */
  lockKinds?: readonly FairnessLockKind[];
}

export interface StarvationLabResult {
  readonly eventLoop: StarvationRow[];
  readonly locks: LockFairnessResult[];
}

/** Both parts: event-loop starvation, then the unfair lock against the ticket lock. */
export async function runStarvationLab(options?: StarvationLabOptions): Promise<StarvationLabResult> {
  const given = checkOptions(options, 'options');
  const eventLoop = await measureEventLoopStarvation(given.eventLoop);
  const locks = await compareLockFairness(given.locks, given.lockKinds);
  return { eventLoop, locks };
}
