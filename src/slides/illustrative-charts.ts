/**
 * Charts drawn from small fixed data sets, for units whose slides show the shape
 * of a result rather than a measurement of this machine. Every one says
 * "illustrative" in its title; the numbers are typical of a 2-4 core laptop, and
 * the notebooks measure the real ones. Replace an entry with a measured one
 * (measured-charts.ts) once the unit's lab has a quick measuring function.
 */
import type { ChartConfiguration } from 'chart.js';
import { timelineChart, type Span } from '../01-threads-vs-async/timeline.js';

const ILLUSTRATIVE = '(illustrative data)';

/** Unit 05: the final value of a shared counter, two workers adding 1 a million times each, over 12 runs. */
export function lostUpdates(): ChartConfiguration {
  const runs = Array.from({ length: 12 }, (_, i) => `run ${i + 1}`);
  const plain = [1_312_004, 1_127_550, 1_998_102, 1_402_871, 1_250_019, 1_731_336, 1_090_412, 1_576_903, 1_204_688, 2_000_000, 1_351_227, 1_468_040];
  return {
    type: 'line',
    data: {
      labels: runs,
      datasets: [
        { label: 'counter[0]++ on a SharedArrayBuffer', data: plain, borderColor: '#d62728', backgroundColor: '#d62728', showLine: false, pointRadius: 6 },
        { label: 'Atomics.add', data: runs.map(() => 2_000_000), borderColor: '#2ca02c', backgroundColor: '#2ca02c', pointRadius: 4 },
        { label: 'mutex around counter[0]++', data: runs.map(() => 2_000_000), borderColor: '#1f77b4', backgroundColor: '#1f77b4', borderDash: [6, 6], pointRadius: 0 },
      ],
    },
    options: {
      plugins: { title: { display: true, text: `Two workers, 1,000,000 increments each: the final count ${ILLUSTRATIVE}` } },
      scales: { y: { min: 0, max: 2_200_000, title: { display: true, text: 'final value (2,000,000 expected)' } } },
    },
  };
}

/** Unit 06: the three kinds of daemon beside a main program, on a timeline; the daemons end with it. */
export function daemonKinds(): ChartConfiguration {
  const spans: Span[] = [{ lane: 'main program', label: 'main work', group: 'main work', start: 0, end: 1000 }];
  for (let at = 0; at < 1000; at += 250) spans.push({ lane: 'periodic: save every 250 ms', label: 'save', group: 'save / flush', start: at + 240, end: at + 260 });
  for (const at of [130, 480, 510, 820]) spans.push({ lane: 'sporadic: log on alert', label: 'log', group: 'log an alert', start: at, end: at + 15 });
  spans.push({ lane: 'long-running: watch a resource', label: 'watch', group: 'watch', start: 0, end: 1000 });
  spans.push({ lane: 'periodic: save every 250 ms', label: 'flush on shutdown', group: 'save / flush', start: 1000, end: 1030 });
  return timelineChart(spans, `Daemons live as long as the main program ${ILLUSTRATIVE}`);
}

/** Unit 07: meals per philosopher in 2 s, for three strategies. */
export function philosophers(): ChartConfiguration {
  const names = ['P0', 'P1', 'P2', 'P3', 'P4'];
  const strategies = [
    { label: 'naive: left fork, then right (deadlocks)', data: [3, 2, 3, 2, 2], color: '#d62728' },
    { label: 'ordered: lower-numbered fork first', data: [41, 38, 40, 37, 42], color: '#2ca02c' },
    { label: 'unfair lock: no deadlock, one starves', data: [66, 71, 2, 69, 64], color: '#ff7f0e' },
  ];
  return {
    type: 'bar',
    data: { labels: names, datasets: strategies.map((s) => ({ label: s.label, data: s.data, backgroundColor: s.color })) },
    options: {
      plugins: { title: { display: true, text: `Dining philosophers: meals per philosopher in 2 s ${ILLUSTRATIVE}` } },
      scales: { y: { beginAtZero: true, title: { display: true, text: 'meals' } } },
    },
  };
}

/** Unit 08: what one move request costs beyond the simulated network delay, per runtime. */
export function raceRuntimes(): ChartConfiguration {
  const runtimes = ['event loop (async tasks)', 'worker threads (MessagePort)', 'child processes (IPC)', 'TCP server and clients'];
  return {
    type: 'bar',
    data: {
      labels: runtimes,
      datasets: [
        { label: 'median overhead per move request (ms)', data: [0.01, 0.09, 0.35, 0.6], backgroundColor: '#4e79a7', yAxisID: 'ms' },
        { label: 'start-up before the first move (ms)', data: [0.2, 45, 120, 140], backgroundColor: '#f28e2b', yAxisID: 'startup' },
      ],
    },
    options: {
      plugins: { title: { display: true, text: `The penguin race on four runtimes ${ILLUSTRATIVE}` } },
      scales: {
        ms: { type: 'logarithmic', position: 'left', title: { display: true, text: 'overhead per move, ms (log)' } },
        startup: { type: 'linear', position: 'right', beginAtZero: true, title: { display: true, text: 'start-up, ms' }, grid: { drawOnChartArea: false } },
      },
    },
  };
}

/** Unit 09: sensor readings over 20 s with the 70 % alert threshold. */
export function monitorReadings(): ChartConfiguration {
  const seconds = Array.from({ length: 20 }, (_, i) => `${i + 1} s`);
  const cpu = [12, 18, 35, 64, 88, 92, 75, 41, 22, 15, 19, 47, 73, 81, 58, 30, 21, 17, 14, 13];
  const memory = [41, 41, 42, 44, 47, 52, 55, 55, 54, 53, 53, 54, 57, 61, 62, 60, 58, 56, 55, 55];
  const temperature = [48, 49, 51, 56, 63, 69, 72, 71, 66, 60, 56, 57, 62, 68, 71, 68, 62, 57, 53, 50];
  const line = (label: string, data: number[], color: string) => ({ label, data, borderColor: color, backgroundColor: color, pointRadius: 3 });
  return {
    type: 'line',
    data: {
      labels: seconds,
      datasets: [
        line('CPU %', cpu, '#4e79a7'),
        line('memory %', memory, '#59a14f'),
        line('temperature °C', temperature, '#e15759'),
        { label: 'ALERT at >= 70', data: seconds.map(() => 70), borderColor: '#999999', borderDash: [6, 6], pointRadius: 0 },
      ],
    },
    options: {
      plugins: { title: { display: true, text: `System monitor: one reading per second per sensor ${ILLUSTRATIVE}` } },
      scales: { y: { min: 0, max: 100, title: { display: true, text: '% or °C' } } },
    },
  };
}
