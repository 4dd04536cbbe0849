/**
 * How late is the event loop? `perf_hooks.monitorEventLoopDelay` samples the
 * delay between when a timer should fire and when it does: while a callback
 * hogs the thread (a CPU loop, a recursive `process.nextTick`), nothing else
 * runs and the delay grows. The lag meter wraps that histogram in a start/stop
 * object and a `measureLag(fn)` helper that reports milliseconds.
 *
 * The histogram's own timer keeps firing only when the loop is free, so a meter
 * that started during a long block reports that block in its maximum.
 *
 * Node's histogram records the whole time between two of its timer's ticks,
 * so an idle loop at 10 ms resolution shows about 10 ms; the meter subtracts
 * the resolution and reports only the delay (0 for an idle loop).
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { checkPositiveInteger } from '../engine/validate.js';

/** Event-loop delay over the time the meter ran, in milliseconds. */
export interface LagStats {
  min: number;
  mean: number;
  max: number;
  p50: number;
  p99: number;
  /** How many delay samples the histogram took. */
  samples: number;
  /** How long the meter ran, in ms. */
  durationMs: number;
}

export interface LagMeterOptions {
  /** Sampling resolution in ms (default 10; Node's minimum is 1). */
  resolutionMs?: number;
}

const NS_PER_MS = 1e6;

export class LagMeter {
  readonly #resolution: number;
  // Made in start(): a histogram that exists but was never enabled shows up as
  // an open handle (process.getActiveResourcesInfo) until it is collected.
  #histogram: IntervalHistogram | undefined;
  #startedAt: number | undefined;
  #stoppedAt: number | undefined;

  constructor(options: LagMeterOptions = {}) {
    this.#resolution = checkPositiveInteger(options.resolutionMs ?? 10, 'resolutionMs');
  }

  get running(): boolean {
    return this.#startedAt !== undefined && this.#stoppedAt === undefined;
  }

  start(): this {
    if (this.running) throw new Error('LagMeter.start(): the meter is already running');
    this.#histogram = monitorEventLoopDelay({ resolution: this.#resolution });
    this.#startedAt = performance.now();
    this.#stoppedAt = undefined;
    this.#histogram.enable();
    return this;
  }

  /**
   * Resolves once the meter has taken its first sample. Node's histogram
   * records from its timer's second tick on (the first only sets the reference
   * time), so a block that starts before then would go unseen.
   */
  async sampling(): Promise<void> {
    if (!this.running) throw new Error('LagMeter.sampling(): the meter is not running');
    while (this.#histogram!.count === 0) await new Promise((resolve) => setTimeout(resolve, this.#resolution));
  }

  /** The figures so far (the meter keeps running). */
  read(): LagStats {
    const h = this.#histogram;
    if (this.#startedAt === undefined || h === undefined) throw new Error('LagMeter.read(): call start() first');
    const samples = h.count;
    const ms = (ns: number) => (samples === 0 || !Number.isFinite(ns) ? 0 : Math.max(0, ns / NS_PER_MS - this.#resolution));
    return {
      min: ms(h.min),
      mean: ms(h.mean),
      max: ms(h.max),
      p50: ms(h.percentile(50)),
      p99: ms(h.percentile(99)),
      samples,
      durationMs: (this.#stoppedAt ?? performance.now()) - this.#startedAt,
    };
  }

  /** The figures since start() or the previous take(), then starts over (a sensor's "since the last reading"). */
  take(): LagStats {
    const stats = this.read();
    this.#histogram!.reset();
    this.#startedAt = performance.now();
    return stats;
  }

  /** Stops sampling (the histogram's timer ends) and returns the figures. */
  stop(): LagStats {
    if (!this.running) throw new Error('LagMeter.stop(): the meter is not running');
    this.#histogram!.disable();
    this.#stoppedAt = performance.now();
    return this.read();
  }
}

/**
 * Runs `work` with a lag meter on and returns its result with the lag it caused
 * (or suffered). The meter stops also when `work` throws.
 */
export async function measureLag<T>(work: () => T | Promise<T>, options: LagMeterOptions = {}): Promise<{ result: T; lag: LagStats }> {
  const meter = new LagMeter(options).start();
  try {
    await meter.sampling();
    const result = await work();
    // One more turn so a block at the very end is sampled.
    await new Promise((resolve) => setTimeout(resolve, options.resolutionMs ?? 10));
    return { result, lag: meter.stop() };
  } finally {
    if (meter.running) meter.stop();
  }
}
