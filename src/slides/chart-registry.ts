/**
 * The charts slides can ask for by name: `![alt text](chart:NAME)` in a deck.
 * Each entry says which unit it belongs to, whether it is measured on the
 * building machine or drawn from fixed illustrative data, and how to make its
 * chart.js configuration; `renderSlideChart` turns it into a PNG with the same
 * renderer the notebooks use.
 */
import type { ChartConfiguration } from 'chart.js';
import { availableParallelism } from 'node:os';
import { renderChartPng } from '../notebook/charts.js';
import { describeValue } from '../runtime/validate.js';
import * as illustrative from './illustrative-charts.js';
import * as measured from './measured-charts.js';

export interface SlideChart {
  /** The unit folder it belongs to, e.g. '04-pools'. */
  unit: string;
  /** True when the data is fixed and only shows the shape of a result. */
  illustrative: boolean;
  config(): ChartConfiguration | Promise<ChartConfiguration>;
}

export const slideCharts: Readonly<Record<string, SlideChart>> = Object.freeze({
  'io-timeline': { unit: '01-threads-vs-async', illustrative: false, config: measured.ioJobsTimeline },
  backpressure: { unit: '02-event-loop-and-channels', illustrative: false, config: measured.backpressure },
  'transfer-costs': { unit: '03-processes-queues-pipes', illustrative: false, config: measured.transferCosts },
  speedup: { unit: '04-pools', illustrative: false, config: measured.speedup },
  'lost-updates': { unit: '05-races-and-locks', illustrative: false, config: measured.lostUpdates },
  'daemon-kinds': { unit: '06-daemons', illustrative: false, config: measured.daemonKinds },
  philosophers: { unit: '07-deadlock-and-starvation', illustrative: false, config: measured.philosophers },
  'race-runtimes': { unit: '08-penguin-race', illustrative: true, config: illustrative.raceRuntimes },
  'monitor-readings': { unit: '09-system-monitor', illustrative: false, config: measured.monitorReadings },
});

export interface RenderedChart {
  name: string;
  png: Buffer;
  illustrative: boolean;
  /** One line for under the chart: where the numbers come from. */
  caption: string;
  /** How long measuring and drawing took. */
  ms: number;
}

/** Measures (or takes the fixed data of) the chart called `name` and draws it as a PNG. */
export async function renderSlideChart(name: string): Promise<RenderedChart> {
  if (typeof name !== 'string' || !Object.hasOwn(slideCharts, name)) {
    throw new RangeError(`unknown chart ${describeValue(name)}; the registered charts are: ${Object.keys(slideCharts).join(', ')}`);
  }
  const entry = slideCharts[name];
  const started = performance.now();
  const png = renderChartPng(await entry.config(), { width: 960, height: 500, scale: 2 });
  const caption = entry.illustrative
    ? 'Illustrative data: the shape of a typical result, not a measurement. The notebook measures yours.'
    : `Measured on the machine that built these slides (${availableParallelism()} cores), ${new Date().toISOString().slice(0, 10)}.`;
  return { name, png, illustrative: entry.illustrative, caption, ms: performance.now() - started };
}
