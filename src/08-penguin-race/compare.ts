/**
 * The same race on several runtimes, one after another, measured side by side:
 * start-up time, memory, requests and messages per second, and the round-trip
 * latency each actor saw (its distribution). Returns the figures and chart.js
 * configurations ready for `showChart` in a notebook.
 *
 * By default there is no simulated delay and no pause between requests, so the
 * figures show what each transport itself costs: a function call, a
 * MessagePort, an IPC channel, a TCP socket.
 */
import type { ChartConfiguration } from 'chart.js';
import { RUNTIMES, type RaceOptions, type RuntimeName } from './options.js';
import { runRace } from './race.js';
import type { LatencyStats, RaceResult } from './results.js';

export interface CompareOptions extends Omit<RaceOptions, 'runtime' | 'clock' | 'onFrame' | 'trace'> {
  /** Which runtimes, in order (default all four). */
  runtimes?: RuntimeName[];
}

export interface RuntimeFigures {
  runtime: RuntimeName;
  ended: RaceResult['ended'];
  startupMs: number;
  memoryMb: number;
  raceMs: number;
  requests: number;
  requestsPerSecond: number;
  messagesPerSecond: number;
  /** Round trips as the actors measured them (real ms). */
  roundTrip: LatencyStats;
}

export interface RuntimeComparison {
  /** The options every race ran with. */
  options: RaceOptions;
  rows: RuntimeFigures[];
  charts: {
    startup: ChartConfiguration<'bar'>;
    memory: ChartConfiguration<'bar'>;
    throughput: ChartConfiguration<'bar'>;
    latency: ChartConfiguration<'bar'>;
    latencyHistogram: ChartConfiguration<'bar'>;
    /** The slide's summary: median round trip (log scale) and start-up, per runtime. */
    costs: ChartConfiguration<'bar'>;
  };
}

const COLORS: Record<RuntimeName, string> = { async: '#1565c0', threads: '#2e7d32', processes: '#ef6c00', net: '#6a1b9a' };

function barChart(title: string, axis: string, rows: RuntimeFigures[], value: (row: RuntimeFigures) => number): ChartConfiguration<'bar'> {
  return {
    type: 'bar',
    data: {
      labels: rows.map((row) => row.runtime),
      datasets: [{ label: axis, data: rows.map(value), backgroundColor: rows.map((row) => COLORS[row.runtime]) }],
    },
    options: {
      plugins: { title: { display: true, text: title }, legend: { display: false } },
      scales: { y: { beginAtZero: true, title: { display: true, text: axis } } },
    },
  };
}

/** Runs the same race on each runtime (real clock) and compares them. */
export async function compareRuntimes(options: CompareOptions = {}): Promise<RuntimeComparison> {
  const { runtimes = [...RUNTIMES], ...raceOptions } = options;
  for (const runtime of runtimes) {
    if (!RUNTIMES.includes(runtime))
      throw new RangeError(`runtimes must list some of ${RUNTIMES.join(', ')}, got ${JSON.stringify(runtime)}`);
  }
  const shared: RaceOptions = {
    penguins: 8,
    flies: 2,
    length: 100,
    seed: 1,
    latencyMs: 0,
    thinkMs: 0,
    flyIntervalMs: 0,
    ...raceOptions,
  };
  const rows: RuntimeFigures[] = [];
  for (const runtime of runtimes) {
    const result = await runRace({ ...shared, runtime, clock: 'real' });
    rows.push({
      runtime,
      ended: result.ended,
      startupMs: result.wall.startupMs,
      memoryMb: result.wall.memoryMb,
      raceMs: result.wall.raceMs,
      requests: result.messages.requests,
      requestsPerSecond: result.wall.requestsPerSecond,
      messagesPerSecond: result.wall.messagesPerSecond,
      roundTrip: result.wall.roundTrip,
    });
  }
  const edges = rows[0]?.roundTrip.histogram.edgesMs ?? [];
  const latency: ChartConfiguration<'bar'> = {
    type: 'bar',
    data: {
      labels: ['p50', 'p90', 'p99'],
      datasets: rows.map((row) => ({
        label: row.runtime,
        data: [row.roundTrip.p50Ms, row.roundTrip.p90Ms, row.roundTrip.p99Ms],
        backgroundColor: COLORS[row.runtime],
      })),
    },
    options: {
      plugins: { title: { display: true, text: 'Round trip of one request, as the actor saw it' } },
      scales: { y: { type: 'logarithmic', title: { display: true, text: 'ms (log scale)' } } },
    },
  };
  const latencyHistogram: ChartConfiguration<'bar'> = {
    type: 'bar',
    data: {
      labels: edges.map((edge, i) => (i + 1 < edges.length ? `${edge}-${edges[i + 1]}` : `>= ${edge}`)),
      datasets: rows.map((row) => ({
        label: row.runtime,
        data: row.roundTrip.histogram.counts.map((count) => (100 * count) / Math.max(1, row.roundTrip.count)),
        backgroundColor: COLORS[row.runtime],
      })),
    },
    options: {
      plugins: { title: { display: true, text: 'Round-trip latency distribution' } },
      scales: { x: { title: { display: true, text: 'ms' } }, y: { beginAtZero: true, title: { display: true, text: '% of requests' } } },
    },
  };
  const costs: ChartConfiguration<'bar'> = {
    type: 'bar',
    data: {
      labels: rows.map((row) => row.runtime),
      datasets: [
        {
          label: 'median round trip of one move request (ms)',
          data: rows.map((row) => row.roundTrip.p50Ms),
          backgroundColor: '#4e79a7',
        },
        {
          label: 'start-up until every actor is ready (ms)',
          data: rows.map((row) => row.startupMs),
          backgroundColor: '#f28e2b',
        },
      ],
    },
    options: {
      plugins: { title: { display: true, text: 'What a message and a start-up cost on each runtime' } },
      // One axis for both (both are milliseconds), logarithmic: a round trip is a fraction of a
      // millisecond, a start-up hundreds; two axes on the same bars would make their heights look comparable.
      scales: { y: { type: 'logarithmic', title: { display: true, text: 'ms (log scale)' } } },
    },
  };
  return {
    options: shared,
    rows,
    charts: {
      startup: barChart('Start-up: until every actor is ready', 'ms', rows, (row) => row.startupMs),
      memory: barChart('Memory once every actor is ready', 'MB', rows, (row) => row.memoryMb),
      throughput: barChart('Messages the server handled per second', 'messages/s', rows, (row) => row.messagesPerSecond),
      latency,
      latencyHistogram,
      costs,
    },
  };
}
