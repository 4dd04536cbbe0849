/**
 * Showing things in a notebook cell: charts as PNG images, HTML, and live
 * displays that update one output in place (an animated race, a monitor).
 *
 * A live display is the part of a notebook most likely to misbehave: tslab sends
 * output from background timers to whichever cell ran last, and interrupting a
 * cell does not stop its intervals. So every live display here has a time bound
 * and a `stop()`, and `animate()` returns a promise the cell awaits: the cell
 * stays busy while the animation runs and is done when it ends, by itself.
 */
import { createRequire } from 'node:module';
import type { ChartConfiguration } from 'chart.js';
import type * as Tslab from 'tslab';
import { renderChartPng, type ChartSize } from './charts.js';

let loadedTslab: typeof Tslab | undefined;

/**
 * tslab, loaded on first use: it brings a whole TypeScript compiler, which
 * workers, child processes and the grader's sandbox import the kit without.
 * (In a notebook the kernel has loaded it already; this is the same module.)
 */
function tslab(): typeof Tslab {
  return (loadedTslab ??= createRequire(import.meta.url)('tslab') as typeof Tslab);
}

/** What a display can show. */
export type DisplayContent = { html: string } | { png: Uint8Array } | { svg: string } | { text: string } | { markdown: string };

type Display = ReturnType<typeof Tslab.newDisplay>;

function write(display: Display, content: DisplayContent): void {
  try {
    if ('html' in content) display.html(content.html);
    else if ('png' in content) display.png(content.png);
    else if ('svg' in content) display.svg(content.svg);
    else if ('markdown' in content) display.markdown(content.markdown);
    else display.text(content.text);
  } catch (error) {
    if ((error as Error).message === 'Not ready') {
      throw new Error('displays work only inside a notebook running on the tslab kernel', { cause: error });
    }
    throw error;
  }
}

/** Shows content once, below the running cell. */
export function show(content: DisplayContent): void {
  write(tslab().display as Display, content);
}

/**
 * Renders a chart.js configuration to PNG and shows it. Returns nothing on
 * purpose: a cell's last value is displayed too, and a PNG's bytes are not.
 */
export function showChart(config: ChartConfiguration, size?: ChartSize): void {
  show({ png: renderChartPng(config, size) });
}

export interface LiveDisplayOptions {
  /** After this many milliseconds the display stops taking updates (default 30 s). */
  timeoutMs?: number;
}

/** One output that updates in place, until `stop()` or its time bound. */
export class LiveDisplay {
  private readonly display: Display = tslab().newDisplay();
  private readonly timer: NodeJS.Timeout;
  private isStopped = false;
  /** Number of updates shown so far. */
  updates = 0;

  constructor(options: LiveDisplayOptions = {}) {
    const timeoutMs = options.timeoutMs ?? 30_000;
    if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
      throw new RangeError(`timeoutMs must be a positive number of milliseconds, got ${timeoutMs}`);
    }
    this.timer = setTimeout(() => this.stop(), timeoutMs);
    this.timer.unref();
  }

  /** Replaces what the display shows. Ignored (returns false) once stopped. */
  update(content: DisplayContent): boolean {
    if (this.isStopped) return false;
    write(this.display, content);
    this.updates += 1;
    return true;
  }

  /** Stops taking updates; the last content stays on screen. Safe to call twice. */
  stop(): void {
    this.isStopped = true;
    clearTimeout(this.timer);
  }

  get stopped(): boolean {
    return this.isStopped;
  }
}

export interface AnimateOptions {
  /** Milliseconds between frames (default 200). */
  everyMs?: number;
  /** Time bound: the animation ends after this many milliseconds whatever happens (default 10 s). */
  durationMs?: number;
  /** Ends the animation early. */
  signal?: AbortSignal;
}

/**
 * Shows `render(frame, elapsedMs)` every `everyMs` in one display, until render
 * returns `undefined` (finished), the time bound passes, or `signal` aborts.
 * Resolves to the number of frames shown. Await it, so the cell ends with it.
 */
export async function animate(
  render: (frame: number, elapsedMs: number) => DisplayContent | undefined,
  options: AnimateOptions = {},
): Promise<number> {
  const everyMs = options.everyMs ?? 200;
  const durationMs = options.durationMs ?? 10_000;
  if (!(Number.isFinite(everyMs) && everyMs > 0)) throw new RangeError(`everyMs must be a positive number, got ${everyMs}`);
  if (!(Number.isFinite(durationMs) && durationMs > 0)) throw new RangeError(`durationMs must be a positive number, got ${durationMs}`);
  const live = new LiveDisplay({ timeoutMs: durationMs });
  const started = performance.now();
  try {
    for (let frame = 0; !live.stopped && !options.signal?.aborted; frame += 1) {
      const content = render(frame, performance.now() - started);
      if (content === undefined) break;
      live.update(content);
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
    return live.updates;
  } finally {
    live.stop();
  }
}
