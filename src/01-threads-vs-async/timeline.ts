/**
 * A timeline tracer: who ran what, when, on which thread or process. Each piece
 * of work becomes a *span* (lane, label, start, end); the spans drawn as a
 * Gantt chart tell sequential, concurrent and parallel apart at a glance:
 *
 * - sequential: one lane, bars one after another;
 * - concurrent (one thread, the event loop): bars overlap in time, but a
 *   CPU-bound bar never overlaps another CPU-bound bar;
 * - parallel (workers): bars on different lanes run at the same moment.
 *
 * Times are epoch milliseconds with sub-millisecond precision
 * (`performance.timeOrigin + performance.now()`), so spans recorded in a worker
 * or a child process line up with the main thread's: a worker records its own
 * spans (`traceSpan`) and sends them back as plain data.
 */
import type { ChartConfiguration } from 'chart.js';
import { threadId, isMainThread } from 'node:worker_threads';
import { describeValue } from '../engine/validate.js';

export interface Span {
  /** Who ran it: "main", "thread 3", "pid 4242", or any name (a task, a penguin). */
  lane: string;
  /** What ran. */
  label: string;
  /** Epoch ms. */
  start: number;
  /** Epoch ms, >= start. */
  end: number;
  /** Spans of one group share a color and a legend entry (default: the label). */
  group?: string;
}

/** Now, in epoch milliseconds with sub-millisecond precision, comparable across threads and processes. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

/** This thread's or process's lane name: "main", "thread N" or "pid N" (a child process's main thread). */
export function currentLane(): string {
  if (!isMainThread) return `thread ${threadId}`;
  return process.send ? `pid ${process.pid}` : 'main';
}

/** Runs `work` and returns its result with the span it took (on this thread's lane unless `lane` is given). */
export async function traceSpan<T>(
  label: string,
  work: () => T | Promise<T>,
  options: { lane?: string; group?: string } = {},
): Promise<{ result: T; span: Span }> {
  const start = now();
  const result = await work();
  const span: Span = { lane: options.lane ?? currentLane(), label, start, end: now() };
  if (options.group !== undefined) span.group = options.group;
  return { result, span };
}

export interface TimelineChartOptions {
  /**
   * A fixed color for each group named here (group → CSS color), so one job
   * keeps its color in every chart that shows it (a notebook's and a slide's).
   * Other groups take the palette's colors that are left, in order.
   */
  colors?: Readonly<Record<string, string>>;
}

export class Timeline {
  readonly #spans: Span[] = [];
  readonly #chartOptions: TimelineChartOptions;

  /** `options.colors` fixes the color of the groups it names in `chart()`. */
  constructor(options: TimelineChartOptions = {}) {
    this.#chartOptions = checkChartOptions(options);
  }

  /** All spans recorded, in the order they were added. */
  get spans(): readonly Span[] {
    return this.#spans;
  }

  /** Adds finished spans (e.g. sent back by workers). */
  add(...spans: Span[]): this {
    for (const span of spans) this.#spans.push(checkSpan(span));
    return this;
  }

  /**
   * Runs `work`, records its span and returns its result. A failing work is
   * recorded too (label suffixed with " (failed)") and its error rethrown.
   */
  async trace<T>(label: string, work: () => T | Promise<T>, options: { lane?: string; group?: string } = {}): Promise<T> {
    const lane = options.lane ?? currentLane();
    const start = now();
    try {
      const result = await work();
      this.add({ lane, label, start, end: now(), ...(options.group !== undefined && { group: options.group }) });
      return result;
    } catch (error) {
      this.add({ lane, label: `${label} (failed)`, start, end: now(), group: options.group ?? 'failed' });
      throw error;
    }
  }

  /** From the first start to the last end, in ms (0 when empty). */
  get durationMs(): number {
    if (this.#spans.length === 0) return 0;
    return Math.max(...this.#spans.map((s) => s.end)) - Math.min(...this.#spans.map((s) => s.start));
  }

  /** Lanes in order of first appearance. */
  get lanes(): string[] {
    return [...new Set(this.#spans.map((s) => s.lane))];
  }

  /**
   * The largest number of spans running at one moment: 1 for sequential work,
   * more for concurrent or parallel work.
   */
  get maxOverlap(): number {
    const edges = this.#spans.flatMap((s) => [
      { at: s.start, step: 1 },
      { at: s.end, step: -1 },
    ]);
    // Ends before starts at the same instant: touching spans do not overlap.
    edges.sort((a, b) => a.at - b.at || a.step - b.step);
    let running = 0;
    let most = 0;
    for (const edge of edges) {
      running += edge.step;
      most = Math.max(most, running);
    }
    return most;
  }

  /** Spans with times relative to the first start, in ms, sorted by start. */
  relative(): Span[] {
    const origin = Math.min(...this.#spans.map((s) => s.start));
    return [...this.#spans].sort((a, b) => a.start - b.start).map((s) => ({ ...s, start: s.start - origin, end: s.end - origin }));
  }

  /** A Gantt-style chart.js configuration (horizontal floating bars, one row per lane). */
  chart(title = 'Timeline'): ChartConfiguration {
    return timelineChart(this.#spans, title, this.#chartOptions);
  }
}

const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/**
 * Spans as a Gantt chart: one row per lane, one bar per span from its start to
 * its end (ms since the first span started), one color per group: the one
 * `options.colors` gives it, or the next palette color not taken.
 */
export function timelineChart(spans: readonly Span[], title = 'Timeline', options: TimelineChartOptions = {}): ChartConfiguration {
  if (!Array.isArray(spans)) throw new TypeError(`spans must be an array of spans, got ${describeValue(spans)}`);
  const fixed = checkChartOptions(options).colors ?? {};
  const checked = spans.map(checkSpan);
  const origin = checked.length ? Math.min(...checked.map((s) => s.start)) : 0;
  const lanes = [...new Set(checked.map((s) => s.lane))];
  const groups = [...new Set(checked.map((s) => s.group ?? s.label))];
  const taken = new Set(Object.values(fixed));
  const free = PALETTE.filter((color) => !taken.has(color));
  const palette = free.length > 0 ? free : PALETTE;
  let next = 0;
  const colorOf = (group: string): string => (Object.hasOwn(fixed, group) ? fixed[group] : palette[next++ % palette.length]);
  const range = checked.length ? Math.max(...checked.map((s) => s.end)) - origin : 0;
  // Spans too short to see (a 1 ms write on a 2 s axis) are drawn as thin ticks instead of vanishing.
  const minimumWidth = Math.max(0.5, range / 150);
  const datasets = groups.map((group) => ({
    label: group,
    data: checked
      .filter((s) => (s.group ?? s.label) === group)
      .map((s) => ({ x: [s.start - origin, Math.max(s.end - origin, s.start - origin + minimumWidth)], y: s.lane })),
    backgroundColor: colorOf(group),
    borderColor: '#333',
    borderWidth: 1,
    grouped: false,
    barPercentage: 0.7,
  }));
  return {
    type: 'bar',
    // chart.js types floating bars as number[] pairs: the {x: [a, b], y} points are valid at run time.
    data: { labels: lanes, datasets: datasets as unknown as ChartConfiguration<'bar'>['data']['datasets'] },
    options: {
      indexAxis: 'y',
      plugins: {
        title: { display: true, text: title },
        legend: { display: groups.length > 1 && groups.length <= 12 },
      },
      scales: {
        x: { type: 'linear', min: 0, title: { display: true, text: 'ms since start' } },
        y: { type: 'category', labels: lanes },
      },
    },
  } as ChartConfiguration;
}

function checkChartOptions(options: TimelineChartOptions): TimelineChartOptions {
  const colors = options?.colors;
  const ok =
    options !== null &&
    typeof options === 'object' &&
    (colors === undefined ||
      (colors !== null && typeof colors === 'object' && Object.values(colors).every((color) => typeof color === 'string' && color !== '')));
  if (!ok) {
    throw new TypeError(`options.colors must map group names to CSS colors, got ${describeValue(colors ?? options)}`);
  }
  return options;
}

function checkSpan(span: Span): Span {
  const ok =
    span !== null &&
    typeof span === 'object' &&
    typeof span.lane === 'string' &&
    typeof span.label === 'string' &&
    Number.isFinite(span.start) &&
    Number.isFinite(span.end) &&
    span.end >= span.start;
  if (!ok) {
    throw new TypeError(
      `span must be { lane: string, label: string, start: number, end: number >= start }, got ${
        span && typeof span === 'object' ? JSON.stringify(span) : describeValue(span)
      }`,
    );
  }
  return span;
}
