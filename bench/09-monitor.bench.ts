/**
 * Unit 09: what the system monitor costs the machine it watches.
 *
 * 1. CPU time per second of monitoring: `npm run monitor` (default sensors,
 *    1 s interval, analyzer pool of 2 processes) runs for WINDOW_S seconds
 *    after its start-up; the CPU time (user + system) of the monitor and all
 *    its child processes, read from /proc, divided by the wall time. Goal:
 *    under 2% of one core. An idle Node process with one 1 s timer, measured
 *    the same way at the same time, is the floor.
 * 2. Event-loop lag p99 while it runs: the monitor's own lag sensor (p99 of
 *    each interval), worst interval. Goal: under 20 ms.
 * 3. Reading the CPU: `os.cpus()` deltas (what the monitor uses) against the
 *    systeminformation package's `currentLoad()`, cost per call and the values
 *    they give over the same intervals.
 * 4. Analysis throughput: the seed's way (apply_async, then get at once: one in
 *    flight) against several in flight, on the same 8 readings, 0.5 s each, a
 *    pool of 2 processes. Goal: the concurrent way at least 1.5x the seed's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import si from 'systeminformation';
import { compiledEntry } from '../src/paths.js';
import { processTree } from '../src/engine/process-tree.js';
import { busyPercent, cpuTimes, simulatedSensor } from '../src/09-system-monitor/sensors.js';
import { compareAnalysis } from '../src/09-system-monitor/compare.js';
import type { RawReading } from '../src/09-system-monitor/analyzer.js';
import { printTable, type BenchRow } from './report.js';

const WINDOW_S = 10;
const STARTUP_S = 2;

/** CPU time of a process and all its live descendants, in seconds. */
function treeCpuSeconds(root: number): number {
  return processTree(root).reduce((sum, info) => sum + info.cpuSeconds, 0);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function ended(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) await new Promise((resolve) => child.once('exit', resolve));
}

async function monitorCost(): Promise<{ monitorShare: number; idleShare: number; lagP99Max: number; readings: number }> {
  const monitor = spawn(
    process.execPath,
    [compiledEntry('09-system-monitor/cli.ts'), '--json', '--interval', '1s', '--duration', `${WINDOW_S + STARTUP_S + 1}s`],
    {
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  const idle = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  let output = '';
  monitor.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  try {
    await sleep(STARTUP_S * 1000);
    const [monitorStart, idleStart, wallStart] = [treeCpuSeconds(monitor.pid!), treeCpuSeconds(idle.pid!), performance.now()];
    await sleep(WINDOW_S * 1000);
    const wall = (performance.now() - wallStart) / 1000;
    const monitorShare = (treeCpuSeconds(monitor.pid!) - monitorStart) / wall;
    const idleShare = (treeCpuSeconds(idle.pid!) - idleStart) / wall;
    await ended(monitor);
    const readings = output
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
      .filter((object) => object.type === 'reading');
    const lags = readings
      .filter((reading) => reading.sensor === 'lag' && reading.value !== undefined)
      .map((reading) => reading.value as number);
    return { monitorShare, idleShare, lagP99Max: Math.max(...lags), readings: readings.length };
  } finally {
    monitor.kill('SIGKILL');
    idle.kill('SIGKILL');
    await Promise.all([ended(monitor), ended(idle)]);
  }
}

async function compareCpuReaders(): Promise<{ osMicros: number; siMicros: number; meanDifference: number }> {
  const CALLS = 2000;
  let start = performance.now();
  for (let i = 0; i < CALLS; i++) cpuTimes();
  const osMicros = ((performance.now() - start) * 1000) / CALLS;
  start = performance.now();
  for (let i = 0; i < CALLS / 10; i++) await si.currentLoad();
  const siMicros = ((performance.now() - start) * 1000) / (CALLS / 10);
  // Same intervals, both readers: how far apart are their values?
  const differences: number[] = [];
  let before = cpuTimes()!;
  await si.currentLoad();
  for (let i = 0; i < 5; i++) {
    await sleep(500);
    const now = cpuTimes()!;
    const ours = busyPercent(before, now)!;
    const theirs = (await si.currentLoad()).currentLoad;
    differences.push(Math.abs(ours - theirs));
    before = now;
  }
  return { osMicros, siMicros, meanDifference: differences.reduce((a, b) => a + b, 0) / differences.length };
}

async function analysisThroughput(): Promise<Awaited<ReturnType<typeof compareAnalysis>>> {
  const sensor = simulatedSensor('simulated', 3);
  const readings: RawReading[] = [];
  for (let seq = 1; seq <= 8; seq++) {
    readings.push({ sensor: 'simulated', unit: '%', simulated: true, value: await sensor.read(), takenAt: Date.now(), seq });
  }
  return compareAnalysis(readings, { analyzeMs: 500, workers: 2, pool: 'processes' });
}

const cost = await monitorCost();
const readers = await compareCpuReaders();
const analysis = await analysisThroughput();
const rows: BenchRow[] = [
  {
    benchmark: `monitor CPU per second of monitoring (1 s interval, ${WINDOW_S} s, incl. pool processes)`,
    value: cost.monitorShare * 100,
    unit: '% of a core',
    baseline: 'idle node process',
    baselineValue: cost.idleShare * 100,
    ratio: cost.idleShare > 0 ? cost.monitorShare / cost.idleShare : undefined,
    goal: '< 2% of a core',
    met: cost.monitorShare < 0.02,
  },
  {
    benchmark: `monitor event-loop lag p99, worst 1 s interval (${cost.readings} readings)`,
    value: cost.lagP99Max,
    unit: 'ms',
    goal: '< 20 ms',
    met: cost.lagP99Max < 20,
  },
  {
    benchmark: 'read CPU times: os.cpus() deltas (the monitor) vs systeminformation currentLoad()',
    value: readers.osMicros,
    unit: 'µs/call',
    baseline: 'systeminformation',
    baselineValue: readers.siMicros,
    ratio: readers.osMicros / readers.siMicros,
  },
  {
    benchmark: 'mean |difference| of their CPU % over the same 0.5 s intervals',
    value: readers.meanDifference,
    unit: 'points',
  },
  {
    benchmark: `analysis: ${analysis.concurrent.maxInFlight} in flight vs the seed's 1 (8 readings, 0.5 s each, 2 processes)`,
    value: analysis.concurrent.readingsPerSecond,
    unit: 'readings/s',
    baseline: "the seed's apply_async + get",
    baselineValue: analysis.sequential.readingsPerSecond,
    ratio: analysis.ratio,
    goal: '>= 1.5x',
    met: analysis.ratio >= 1.5,
  },
];
printTable('09 · System monitor cost', rows);
