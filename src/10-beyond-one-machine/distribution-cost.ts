/**
 * What distribution costs: every task sent to the cluster makes a trip through
 * Redis (a BullMQ job added, taken by an engine, its result sent back as an
 * event), where a task sent to the local Pool makes a trip through a pipe. So
 * distribution pays only when tasks are long compared with that trip; for short
 * tasks the trips are most of the time.
 *
 * `measureDistributionCost` runs the same CPU-bound tasks (unit 01's job of
 * square roots, calibrated to each size) through the load-balanced view's map and through a
 * Pool of as many processes as there are engines, in interleaved rounds, and
 * reads the median of the per-round ratios cluster time / pool time: 1 means
 * the cluster costs nothing extra, 10 means it takes ten times as long. It also
 * times one `apply` on each, alone: the price of a single trip.
 */
import type { ChartConfiguration } from 'chart.js';
import { calibrateJob, computeJob } from '../01-threads-vs-async/cpu-job.js';
import { Pool } from '../04-pools/pool.js';
import { checkOptions, checkPositiveInteger, describeValue } from '../engine/validate.js';
import { startCluster, type Client } from './client.js';
import { median } from '../engine/median.js';

export interface DistributionCostOptions {
  /** Task lengths in ms (default [0.1, 1, 10, 100]). */
  taskMs?: number[];
  /** Tasks per map (default: about 100 ms of work per engine, from 2 per engine up to 10). */
  tasks?: number;
  /** Engines, and processes in the Pool (default 2; with `cluster`, its engine count). */
  engines?: number;
  /** Interleaved rounds per task length (default 3). */
  rounds?: number;
  /** Single `apply` round trips timed on each side (default 15). */
  applyTrips?: number;
  /** A running cluster to use (it is left running); default: one started now, and stopped. */
  cluster?: Client;
}

export interface DistributionCostRow {
  taskMs: number;
  tasks: number;
  /** Median wall time of the map on the cluster (load-balanced view), ms. */
  clusterMs: number;
  /** Median wall time of the same map on the Pool, ms. */
  poolMs: number;
  /** Median over rounds of clusterMs / poolMs in that round. */
  ratio: number;
  /** Every round's two times. */
  rounds: Array<{ clusterMs: number; poolMs: number }>;
}

export interface RoundTrip {
  /** Median time of one load-balanced `apply`, ms. */
  clusterMs: number;
  /** Median time of one `Pool.apply`, ms. */
  poolMs: number;
  /** Median over trips of cluster / pool. */
  ratio: number;
}

export interface DistributionCost {
  engines: number;
  rows: DistributionCostRow[];
  apply: RoundTrip;
  /** Ratio against task length, both on log scales, with the break-even line at 1. */
  chart: ChartConfiguration;
}

const DEFAULT_TASK_MS = [0.1, 1, 10, 100];
const RESULT_TIMEOUT_MS = 60_000;

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

/**
 * Tasks per map when not given: ~100 ms of work per engine, at least 2 per engine, and at
 * most 10 (BullMQ warns, on stderr, when more than 10 results are awaited at once).
 */
export function defaultTaskCount(taskMs: number, engines: number): number {
  return Math.min(Math.max(10, 2 * engines), Math.max(2 * engines, Math.ceil((100 * engines) / taskMs)));
}

function checkTaskMs(value: unknown): number[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new RangeError(`taskMs must be a non-empty array of task lengths in ms, e.g. [0.1, 1, 10, 100], got ${describeValue(value)}`);
  }
  const list: unknown[] = value;
  return list.map((ms, index) => {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms <= 0 || ms > 10_000) {
      throw new RangeError(`taskMs[${index}] must be a number of ms above 0 and at most 10,000, got ${String(ms)}`);
    }
    return ms;
  });
}

/** The two sides a measurement compares, already running (see measureDistributionCost). */
export interface Sides {
  cluster: Client;
  pool: Pool;
}

/**
 * The core, for a cluster and a Pool that are already running (the bench uses
 * it too): each task length in `rounds` interleaved rounds, then the trips.
 */
export async function compareSides(
  sides: Sides,
  settings: { taskMs: number[]; tasks?: number; rounds: number; applyTrips: number },
): Promise<Omit<DistributionCost, 'chart' | 'engines'>> {
  const { cluster, pool } = sides;
  const view = cluster.loadBalancedView();
  const engines = cluster.ids.length;
  const roundsPer20Ms = calibrateJob(20);
  const roundsFor = (ms: number) => Math.max(1, Math.round((roundsPer20Ms * ms) / 20));

  // Warm up both sides: start the Pool's processes, let every engine and worker compile the job.
  const warm = Array.from({ length: 2 * Math.max(engines, pool.size) }, () => roundsFor(5));
  await view.map(computeJob, warm).get(RESULT_TIMEOUT_MS);
  await pool.map(computeJob, warm);

  const rows: DistributionCostRow[] = [];
  for (const taskMs of settings.taskMs) {
    const tasks = settings.tasks ?? defaultTaskCount(taskMs, engines);
    const items = Array.from({ length: tasks }, () => roundsFor(taskMs));
    const onCluster = () => timed(() => view.map(computeJob, items).get(RESULT_TIMEOUT_MS));
    const onPool = () => timed(() => pool.map(computeJob, items));
    const rounds: DistributionCostRow['rounds'] = [];
    for (let round = 0; round < settings.rounds; round++) {
      // Take turns going first, so neither side always meets a cold or a warm machine.
      if (round % 2 === 0) rounds.push({ clusterMs: await onCluster(), poolMs: await onPool() });
      else {
        const poolMs = await onPool();
        rounds.push({ clusterMs: await onCluster(), poolMs });
      }
    }
    rows.push({
      taskMs,
      tasks,
      clusterMs: median(rounds.map((r) => r.clusterMs)),
      poolMs: median(rounds.map((r) => r.poolMs)),
      ratio: median(rounds.map((r) => r.clusterMs / r.poolMs)),
      rounds,
    });
  }
  return { rows, apply: await roundTrips(sides, settings.applyTrips) };
}

/** One `apply` of x + 1 at a time on each side, taking turns; medians and the median ratio. */
export async function roundTrips({ cluster, pool }: Sides, trips: number): Promise<RoundTrip> {
  const increment = (x: number) => x + 1;
  const view = cluster.loadBalancedView();
  const times: Array<{ clusterMs: number; poolMs: number }> = [];
  for (let trip = 0; trip < trips; trip++) {
    const clusterMs = await timed(() => view.apply(increment, trip).get(RESULT_TIMEOUT_MS));
    const poolMs = await timed(() => pool.apply(increment, [trip]));
    times.push({ clusterMs, poolMs });
  }
  return {
    clusterMs: median(times.map((t) => t.clusterMs)),
    poolMs: median(times.map((t) => t.poolMs)),
    ratio: median(times.map((t) => t.clusterMs / t.poolMs)),
  };
}

/**
 * Runs the same tasks through the cluster and through a Pool of processes, per
 * task length; a few seconds at the defaults on two cores. Uses `cluster` if
 * given (and leaves it running), else starts one and stops it, also on error.
 */
export async function measureDistributionCost(options?: DistributionCostOptions): Promise<DistributionCost> {
  const given = checkOptions(options, 'options');
  const taskMs = checkTaskMs(given.taskMs ?? DEFAULT_TASK_MS);
  const tasks = given.tasks === undefined ? undefined : checkPositiveInteger(given.tasks, 'tasks');
  const rounds = checkPositiveInteger(given.rounds ?? 3, 'rounds');
  const applyTrips = checkPositiveInteger(given.applyTrips ?? 15, 'applyTrips');
  if (given.cluster !== undefined && typeof (given.cluster as Partial<Client>).loadBalancedView !== 'function') {
    throw new TypeError('cluster must be a Client (from startCluster or Client.connect)');
  }
  if (given.cluster !== undefined && given.engines !== undefined) {
    throw new TypeError("give either cluster or engines: a cluster's engines are its own");
  }
  const engines = given.cluster ? given.cluster.ids.length : checkPositiveInteger(given.engines ?? 2, 'engines');
  if (engines === 0) throw new Error('the cluster has no engines: start some (npm run cluster -- start -n 2)');

  const cluster = given.cluster ?? (await startCluster({ engines }));
  let pool: Pool | undefined;
  try {
    pool = new Pool({ kind: 'processes', size: engines });
    const measured = await compareSides({ cluster, pool }, { taskMs, tasks, rounds, applyTrips });
    return { engines, ...measured, chart: distributionCostChart(measured.rows) };
  } finally {
    await pool?.terminate();
    if (!given.cluster) await cluster.stop();
  }
}

/** Cluster time / pool time against task length (log x and y), with the break-even line at 1. */
export function distributionCostChart(rows: readonly DistributionCostRow[]): ChartConfiguration<'line', Array<{ x: number; y: number }>> {
  const xs = rows.map((row) => row.taskMs);
  const ends = [Math.min(...xs), Math.max(...xs)];
  return {
    type: 'line',
    data: {
      datasets: [
        {
          label: 'cluster time / pool time',
          data: rows.map((row) => ({ x: row.taskMs, y: row.ratio })),
          borderColor: '#d62728',
          backgroundColor: '#d62728',
        },
        {
          label: 'break-even (1)',
          data: ends.map((x) => ({ x, y: 1 })),
          borderColor: '#7f7f7f',
          borderDash: [6, 4],
          pointRadius: 0,
        },
      ],
    },
    options: {
      plugins: { title: { display: true, text: 'What distribution costs: the same map on the cluster and on the Pool' } },
      scales: {
        x: { type: 'logarithmic', title: { display: true, text: 'task length (ms, log scale)' } },
        y: { type: 'logarithmic', title: { display: true, text: 'cluster time / pool time (log scale)' } },
      },
    },
  };
}
