/**
 * The charts slides can ask for by name: `![alt text](chart:NAME)` in a deck.
 * A registry (the course's is in src/course/slide-charts.ts) says, for each
 * name, which unit it belongs to and how to measure its chart.js
 * configuration on the building machine; `renderSlideChart` turns it into a
 * PNG with the same renderer the notebooks use. The builder knows no unit.
 */
import type { ChartConfiguration } from 'chart.js';
import { availableParallelism } from 'node:os';
import { describeValue } from '../engine/validate.js';
import { renderChartPng } from '../notebook/charts.js';

export interface SlideChart {
  /** The unit folder it belongs to, e.g. '04-pools'. */
  unit: string;
  config(): ChartConfiguration | Promise<ChartConfiguration>;
}

/** Chart name → how to measure it. */
export type SlideChartRegistry = Readonly<Record<string, SlideChart>>;

export interface RenderedChart {
  name: string;
  png: Buffer;
  /** One line for under the chart: where the numbers come from. */
  caption: string;
  /** How long measuring and drawing took. */
  ms: number;
}

/** Measures the chart called `name` in `registry` on this machine and draws it as a PNG. */
export async function renderSlideChart(registry: SlideChartRegistry, name: string): Promise<RenderedChart> {
  if (typeof name !== 'string' || !Object.hasOwn(registry, name)) {
    throw new RangeError(`unknown chart ${describeValue(name)}; the registered charts are: ${Object.keys(registry).join(', ')}`);
  }
  const entry = registry[name];
  const started = performance.now();
  const png = renderChartPng(await entry.config(), { width: 960, height: 500, scale: 2 });
  const today = new Date().toISOString().slice(0, 10);
  const caption = `Measured on the machine that built these slides (${availableParallelism()} cores), ${today}.`;
  return { name, png, caption, ms: performance.now() - started };
}
