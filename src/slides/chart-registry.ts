/**
 * The charts slides can ask for by name: `![alt text](chart:NAME)` in a deck.
 * Each entry says which unit it belongs to and how to measure its chart.js
 * configuration on the building machine; `renderSlideChart` turns it into a PNG
 * with the same renderer the notebooks use.
 */
import type { ChartConfiguration } from 'chart.js';
import { availableParallelism } from 'node:os';
import { renderChartPng } from '../notebook/charts.js';
import { describeValue } from '../runtime/validate.js';
import * as measured from './measured-charts.js';

export interface SlideChart {
  /** The unit folder it belongs to, e.g. '04-pools'. */
  unit: string;
  config(): ChartConfiguration | Promise<ChartConfiguration>;
}

export const slideCharts: Readonly<Record<string, SlideChart>> = Object.freeze({
  'io-timeline': { unit: '01-threads-vs-async', config: measured.ioJobsTimeline },
  backpressure: { unit: '02-event-loop-and-channels', config: measured.backpressure },
  'transfer-costs': { unit: '03-processes-queues-pipes', config: measured.transferCosts },
  speedup: { unit: '04-pools', config: measured.speedup },
  'lost-updates': { unit: '05-races-and-locks', config: measured.lostUpdates },
  'daemon-kinds': { unit: '06-daemons', config: measured.daemonKinds },
  philosophers: { unit: '07-deadlock-and-starvation', config: measured.philosophers },
  'race-runtimes': { unit: '08-penguin-race', config: measured.raceRuntimes },
  'monitor-readings': { unit: '09-system-monitor', config: measured.monitorReadings },
});

export interface RenderedChart {
  name: string;
  png: Buffer;
  /** One line for under the chart: where the numbers come from. */
  caption: string;
  /** How long measuring and drawing took. */
  ms: number;
}

/** Measures the chart called `name` on this machine and draws it as a PNG. */
export async function renderSlideChart(name: string): Promise<RenderedChart> {
  if (typeof name !== 'string' || !Object.hasOwn(slideCharts, name)) {
    throw new RangeError(`unknown chart ${describeValue(name)}; the registered charts are: ${Object.keys(slideCharts).join(', ')}`);
  }
  const entry = slideCharts[name];
  const started = performance.now();
  const png = renderChartPng(await entry.config(), { width: 960, height: 500, scale: 2 });
  const caption = `Measured on the machine that built these slides (${availableParallelism()} cores), ${new Date().toISOString().slice(0, 10)}.`;
  return { name, png, caption, ms: performance.now() - started };
}
