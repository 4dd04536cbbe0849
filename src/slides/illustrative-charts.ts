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

/** Unit 06: the three kinds of daemon beside a main program, on a timeline; the daemons end with it. */
export function daemonKinds(): ChartConfiguration {
  const spans: Span[] = [{ lane: 'main program', label: 'main work', group: 'main work', start: 0, end: 1000 }];
  for (let at = 0; at < 1000; at += 250) spans.push({ lane: 'periodic: save every 250 ms', label: 'save', group: 'save / flush', start: at + 240, end: at + 260 });
  for (const at of [130, 480, 510, 820]) spans.push({ lane: 'sporadic: log on alert', label: 'log', group: 'log an alert', start: at, end: at + 15 });
  spans.push({ lane: 'long-running: watch a resource', label: 'watch', group: 'watch', start: 0, end: 1000 });
  spans.push({ lane: 'periodic: save every 250 ms', label: 'flush on shutdown', group: 'save / flush', start: 1000, end: 1030 });
  return timelineChart(spans, `Daemons live as long as the main program ${ILLUSTRATIVE}`);
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

