/**
 * The monitor live in a notebook cell: one display that redraws the history
 * chart (and the latest reading of each sensor) in place while the monitor
 * runs, and stops by itself at its count or duration, which are required here
 * (a cell must end). Interrupting a cell does not stop timers, so there is a
 * hard time bound too.
 */
import { LiveDisplay } from '../notebook/display.js';
import { renderChartPng } from '../notebook/charts.js';
import { monitorChart } from './chart.js';
import { runMonitor, type MonitorResult } from './monitor.js';
import { intervalFor, parseMonitorArguments, type MonitorOptions } from './options.js';
import type { AnalyzedReading } from './analyzer.js';

export interface WatchMonitorOptions extends Partial<MonitorOptions> {
  /** Redraw at most this often, in ms (default 500). */
  redrawMs?: number;
}

/** The command line's defaults, with `overrides`. */
export function monitorOptions(overrides: Partial<MonitorOptions> = {}): MonitorOptions {
  return { ...parseMonitorArguments([]), ...overrides };
}

/**
 * How long a run with a count should take: the slowest sensor's count of
 * intervals (one more for its end marker), plus every analysis one after the
 * other (the seed's way: the worst case).
 */
export function expectedRunMs(settings: MonitorOptions): number {
  const slowest = Math.max(...settings.sensors.map((sensor) => intervalFor(settings, sensor)), settings.intervalMs);
  const readings = settings.count! * Math.max(1, settings.sensors.length);
  return (settings.count! + 1) * slowest + readings * settings.analyzeMs;
}

/** Runs the monitor with a live chart; resolves with the result and every analyzed reading. */
export async function watchMonitor(options: WatchMonitorOptions): Promise<MonitorResult & { readings: AnalyzedReading[] }> {
  const { redrawMs = 500, ...overrides } = options;
  const settings = monitorOptions(overrides);
  if (settings.count === undefined && settings.durationMs === undefined) {
    throw new RangeError('watchMonitor needs count or durationMs: a notebook cell must end by itself');
  }
  const bound = settings.durationMs ?? expectedRunMs(settings);
  const live = new LiveDisplay({ timeoutMs: bound + 10_000 });
  const controller = new AbortController();
  const hardStop = setTimeout(() => controller.abort(), bound + 5_000);
  const readings: AnalyzedReading[] = [];
  let lastDraw = 0;
  const draw = () => {
    lastDraw = performance.now();
    live.update({ png: renderChartPng(monitorChart(readings), { width: 900, height: 400 }) });
  };
  try {
    const result = await runMonitor(settings, {
      signal: controller.signal,
      onReading(reading) {
        readings.push(reading);
        if (performance.now() - lastDraw >= redrawMs) draw();
      },
    });
    draw();
    return { ...result, readings };
  } finally {
    clearTimeout(hardStop);
    live.stop();
  }
}
