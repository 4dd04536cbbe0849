/**
 * The system monitor's analyzer, with a clean shutdown.
 *
 * Sensor daemons send readings into a bounded channel; the analyzer runs
 * `concurrency` tasks that each receive a reading, classify it NORMAL or ALERT
 * against its sensor's threshold (the seed: ALERTA when the value is >= 70), and
 * hand the result to `onResult`. `stop()` is the Ctrl-C path of the seed: no more
 * readings are accepted (the channel is closed, so a sensor's next send fails
 * instead of vanishing), every reading already accepted is still analyzed, and
 * only then does stop() resolve, with a summary. Every reading a sensor got into
 * the channel is analyzed exactly once.
 */
import { Channel } from 'course-kit/02-event-loop-and-channels/channel';

/** One reading, as a sensor sends it. */
export interface Reading {
  sensor: string;
  value: number;
  /** 1, 2, 3... per sensor. */
  seq: number;
}

export type Status = 'NORMAL' | 'ALERT' | 'ERROR';

/** A reading after analysis. */
export interface Analyzed extends Reading {
  status: Status;
  threshold: number;
  /** The analysis's error message, when status is ERROR. */
  error?: string;
}

export interface AnalyzerOptions {
  /** Thresholds per sensor name. */
  thresholds?: Record<string, number>;
  /** Threshold of any other sensor (default 70, the seed's). */
  defaultThreshold?: number;
  /** Analyses running at once (an integer >= 1, default 2). */
  concurrency?: number;
  /** The analysis (in the real monitor it runs on a worker pool, so it is async). Default: `classify`. */
  analyze?: (reading: Reading, threshold: number) => Status | Promise<Status>;
  /** Receives every analyzed reading, exactly once. */
  onResult: (result: Analyzed) => void;
}

export interface AnalyzerSummary {
  analyzed: number;
  alerts: number;
  errors: number;
  /** Readings analyzed per sensor. */
  bySensor: Record<string, number>;
}

/** The seed's rule: ALERT when `value >= threshold`, NORMAL below it. */
export function classify(reading: Reading, threshold: number): Status {
  // BEGIN SOLUTION
  return reading.value >= threshold ? 'ALERT' : 'NORMAL';
  // END SOLUTION
}

export class Analyzer {
  readonly #readings: Channel<Reading>;
  readonly #options: Required<Omit<AnalyzerOptions, 'thresholds'>> & { thresholds: Record<string, number> };
  readonly #summary: AnalyzerSummary = { analyzed: 0, alerts: 0, errors: 0, bySensor: {} };
  /** The analysis tasks, once started. */
  #tasks: Promise<void>[] = [];
  /** Set by the first stop(). */
  #stopping: Promise<AnalyzerSummary> | undefined;

  /** An analyzer of the readings that arrive on `readings`. */
  constructor(readings: Channel<Reading>, options: AnalyzerOptions) {
    const { thresholds = {}, defaultThreshold = 70, concurrency = 2, analyze = classify, onResult } = options;
    if (!(readings instanceof Channel)) throw new TypeError('readings must be a Channel');
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new RangeError(`concurrency must be an integer >= 1, got ${String(concurrency)}`);
    if (typeof onResult !== 'function') throw new TypeError('onResult must be a function');
    this.#readings = readings;
    this.#options = { thresholds, defaultThreshold, concurrency, analyze, onResult };
  }

  /** The channel the analyzer reads. */
  get readings(): Channel<Reading> {
    return this.#readings;
  }

  /** Whether the analysis tasks run (started, not stopped). */
  get running(): boolean {
    return this.#tasks.length > 0 && this.#stopping === undefined;
  }

  /** Counts so far. */
  summary(): AnalyzerSummary {
    return { ...this.#summary, bySensor: { ...this.#summary.bySensor } };
  }

  /** The threshold of `sensor`. */
  thresholdOf(sensor: string): number {
    return this.#options.thresholds[sensor] ?? this.#options.defaultThreshold;
  }

  /**
   * Starts `concurrency` analysis tasks. Each takes the next reading from the
   * channel, runs `analyze` on it (an analysis that throws gives status ERROR with
   * its message), updates the summary and calls `onResult`; each ends when the
   * channel is closed and drained. A second start() does nothing.
   */
  start(): void {
    // BEGIN SOLUTION
    if (this.#tasks.length > 0) return;
    const { concurrency, analyze, onResult } = this.#options;
    const analyseOne = async (reading: Reading): Promise<Analyzed> => {
      const threshold = this.thresholdOf(reading.sensor);
      try {
        return { ...reading, threshold, status: await analyze(reading, threshold) };
      } catch (error) {
        return { ...reading, threshold, status: 'ERROR', error: error instanceof Error ? error.message : String(error) };
      }
    };
    const task = async (): Promise<void> => {
      for (;;) {
        const received = await this.#readings.recv();
        if (!received.ok) return; // closed and drained
        const result = await analyseOne(received.value);
        this.#summary.analyzed++;
        if (result.status === 'ALERT') this.#summary.alerts++;
        if (result.status === 'ERROR') this.#summary.errors++;
        this.#summary.bySensor[result.sensor] = (this.#summary.bySensor[result.sensor] ?? 0) + 1;
        onResult(result);
      }
    };
    this.#tasks = Array.from({ length: concurrency }, task);
    // END SOLUTION
  }

  /**
   * Shuts down cleanly: closes the channel (if the sensors have not already), so
   * no reading is accepted any more; lets the tasks analyze every reading still in
   * it; resolves with the summary once all of them are done. Works before start()
   * too (it starts the tasks to drain the channel). A second call returns the same promise.
   */
  stop(): Promise<AnalyzerSummary> {
    // BEGIN SOLUTION
    this.#stopping ??= (async () => {
      this.start();
      if (!this.#readings.closed) this.#readings.close();
      await Promise.all(this.#tasks);
      return this.summary();
    })();
    return this.#stopping;
    // END SOLUTION
  }
}
