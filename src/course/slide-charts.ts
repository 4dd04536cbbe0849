/**
 * Charts the slides measure on the machine that builds them, with the units'
 * own measuring and chart functions, sized to take well under 3 s each so
 * `npm run slides` stays quick. Each returns a chart.js configuration;
 * `slideCharts` at the end is the registry the decks name them in.
 *
 * This is course content that wires the units into the slide builder (a
 * tool, which imports no unit): hence its place in src/course/.
 */
import type { ChartConfiguration } from 'chart.js';
import { availableParallelism } from 'node:os';
import { compareIoModes } from '../01-threads-vs-async/io-demo.js';
import { backpressureChart, measureBackpressure } from '../02-event-loop-and-channels/pipeline.js';
import { measureTransferCosts, transferCostChart } from '../03-processes-queues-pipes/transfer-costs.js';
import { measureSpeedup, speedupChart } from '../04-pools/speedup.js';
import { raceLabDistributionChart, runRaceLab } from '../05-races-and-locks/labs/race-lab.js';
import { runThreeDaemons } from '../06-daemons/three-kinds-demo.js';
import { compareDiningStrategies, diningChart } from '../07-deadlock-and-starvation/philosophers.js';
import { compareRuntimes } from '../08-penguin-race/compare.js';
import { monitorChart } from '../09-system-monitor/chart.js';
import { monitorOptions } from '../09-system-monitor/live.js';
import { runMonitor } from '../09-system-monitor/monitor.js';
import type { AnalyzedReading } from '../09-system-monitor/analyzer.js';
import type { SlideChartRegistry } from '../slides/chart-registry.js';
import { measureDistributionCost } from '../10-beyond-one-machine/distribution-cost.js';

/**
 * Unit 01: the seed's I/O jobs (its timings scaled down twenty times) run one
 * after another, together on the event loop (`Promise.all`), and on four
 * worker threads: the notebook's own demo and chart, so each job has the same
 * color on the slide as in the notebook (`IO_JOB_COLORS`).
 */
export async function ioJobsTimeline(): Promise<ChartConfiguration> {
  const { timeline } = await compareIoModes({ scale: 20 });
  return timeline.chart('Four I/O-bound jobs: one after another, on the event loop, on workers');
}

/** Unit 02: a pipeline of channels with each buffer capacity. */
export async function backpressure(): Promise<ChartConfiguration> {
  return backpressureChart(await measureBackpressure({ capacities: [0, 1, 4, 16, 64], items: 120, stageMs: 2, workers: 4 }));
}

/** Unit 03: copying, transferring and sharing buffers with a worker. */
export async function transferCosts(): Promise<ChartConfiguration> {
  return transferCostChart(await measureTransferCosts({ sizesMB: [1, 8, 32], repeats: 3 }));
}

/** Unit 04: speedup against the number of workers, with Amdahl's law. */
export async function speedup(): Promise<ChartConfiguration> {
  const cores = availableParallelism();
  const workerCounts = [...new Set([1, 2, 3, 4, cores, cores + 1])].filter((n) => n <= Math.min(cores + 1, 12)).sort((a, b) => a - b);
  const jobs = Math.min(24, Math.max(8, 2 * cores));
  return speedupChart(await measureSpeedup({ workerCounts, jobs, jobMs: 20, repeats: 1 }));
}

/** Unit 05: the race lab, small: the final counts of plain, atomic and locked increments over a few runs. */
export async function lostUpdates(): Promise<ChartConfiguration> {
  const result = await runRaceLab({ workers: 4, increments: 200_000, runs: 8, variantBudgetMs: 600, timeout: 20_000 });
  return raceLabDistributionChart(result);
}

/** Unit 07: dining philosophers, naive (deadlocks found and broken) vs ordered forks vs a waiter. */
export async function philosophers(): Promise<ChartConfiguration> {
  return diningChart(await compareDiningStrategies({ meals: 2 }));
}

/** Unit 09: the monitor on this machine for 2 s: real CPU, memory and lag, and the labeled simulated sensor. */
export async function monitorReadings(): Promise<ChartConfiguration> {
  const readings: AnalyzedReading[] = [];
  await runMonitor(monitorOptions({ count: 10, intervalMs: 200, sensors: ['cpu', 'memory', 'lag', 'simulated'], pool: 'threads' }), {
    onReading: (reading) => void readings.push(reading),
  });
  return monitorChart(readings, { title: 'The system monitor, 2 s of readings (ALERT at >= 70)' });
}

/** Unit 06: the three kinds of daemon around one sensor for 1.2 s, then the flush on shutdown. */
export async function daemonKinds(): Promise<ChartConfiguration> {
  const { timeline } = await runThreeDaemons({ durationMs: 1200, saveEveryMs: 250 });
  return timeline.chart('Three daemons around one sensor, and the flush on shutdown');
}

/** Unit 08: a small race (4 penguins, 1 fly) on each of the four runtimes: round trip and start-up. */
export async function raceRuntimes(): Promise<ChartConfiguration> {
  const { charts } = await compareRuntimes({ penguins: 4, flies: 1, length: 40 });
  return charts.costs;
}

/** Unit 10: the same CPU tasks through a 2-engine cluster and a 2-process pool, by task length (a cluster of its own, ended after). */
export async function distributionCost(): Promise<ChartConfiguration> {
  return (await measureDistributionCost({ engines: 2 })).chart;
}

/** The charts decks can name: `![alt](chart:speedup)`. */
export const slideCharts: SlideChartRegistry = Object.freeze({
  'io-timeline': { unit: '01-threads-vs-async', config: ioJobsTimeline },
  backpressure: { unit: '02-event-loop-and-channels', config: backpressure },
  'transfer-costs': { unit: '03-processes-queues-pipes', config: transferCosts },
  speedup: { unit: '04-pools', config: speedup },
  'lost-updates': { unit: '05-races-and-locks', config: lostUpdates },
  'daemon-kinds': { unit: '06-daemons', config: daemonKinds },
  philosophers: { unit: '07-deadlock-and-starvation', config: philosophers },
  'race-runtimes': { unit: '08-penguin-race', config: raceRuntimes },
  'monitor-readings': { unit: '09-system-monitor', config: monitorReadings },
  'distribution-cost': { unit: '10-beyond-one-machine', config: distributionCost },
});
