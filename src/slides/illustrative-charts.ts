/**
 * Charts drawn from small fixed data sets, for units whose slides show the shape
 * of a result rather than a measurement of this machine. Every one says
 * "illustrative" in its title; the numbers are typical of a 2-4 core laptop, and
 * the notebooks measure the real ones. Replace an entry with a measured one
 * (measured-charts.ts) once the unit's lab has a quick measuring function.
 */
import type { ChartConfiguration } from 'chart.js';

const ILLUSTRATIVE = '(illustrative data)';

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

