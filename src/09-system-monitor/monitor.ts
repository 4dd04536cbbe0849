/**
 * The system monitor (seed 002), built from the library's parts:
 *
 *   sensor daemons ──put──► Queue ──► analyzer Pool ──► terminal view / chart
 *   (periodic, one per sensor)        (NORMAL / ALERT)
 *
 * - Each sensor is a periodic daemon: it takes a reading at its interval and
 *   puts it into the queue. Daemons do not keep the program alive.
 * - One consumer takes readings from the queue in order and has the pool
 *   classify each (the seed's `pool.apply_async(analyze_data, ...)`).
 * - Stopping (the count or the duration is reached, `stop()`, an AbortSignal,
 *   or SIGINT/SIGTERM in the command-line program) goes through a shutdown
 *   coordinator, in this order: stop the sensors (no new readings), close the
 *   queue and let the consumer drain it (every reading taken is analysed), close
 *   the pool, then report the summary.
 */
import { Queue } from '../03-processes-queues-pipes/queue.js';
import { Pool } from '../04-pools/pool.js';
import { holdProgramOpen, type Daemon } from '../06-daemons/daemon.js';
import { periodic } from '../06-daemons/periodic.js';
import { analyzeReading, type RawReading } from './analyzer.js';
import { thresholdFor, type MonitorOptions } from './options.js';
import { createSensors, type Sensor } from './sensors.js';
import { SummaryBuilder, type SensorSummary } from './summary.js';
import type { AnalysedReading } from './analyzer.js';

export interface MonitorHooks {
  /** Called with every analysed reading, in the order the queue gave them. */
  onReading?(reading: AnalysedReading): void;
  /** Stops the monitor as `stop()` does. */
  signal?: AbortSignal;
  /** Sensors to use instead of the ones named in the options (tests). */
  sensors?: Sensor[];
}

export interface MonitorResult {
  summary: SensorSummary[];
  /** Why it stopped: 'count', 'duration', 'stopped' (stop() or the signal). */
  reason: 'count' | 'duration' | 'stopped';
  durationMs: number;
}

export class SystemMonitor {
  readonly #options: MonitorOptions;
  readonly #hooks: MonitorHooks;
  readonly #sensors: Sensor[];
  readonly #queue = new Queue<RawReading>({ name: 'readings' });
  readonly #pool: Pool;
  readonly #summary = new SummaryBuilder();
  readonly #daemons: Daemon[] = [];
  #reason: MonitorResult['reason'] | undefined;
  #stopping: Promise<void> | undefined;
  #durationTimer: NodeJS.Timeout | undefined;

  constructor(options: MonitorOptions, hooks: MonitorHooks = {}) {
    this.#options = options;
    this.#hooks = hooks;
    this.#sensors = hooks.sensors ?? createSensors(options.sensors, options.seed);
    this.#pool = new Pool({ size: options.workers, kind: options.pool });
    for (const sensor of this.#sensors) this.#summary.addSensor(sensor.name, sensor.unit, sensor.simulated);
  }

  /** Runs until the count or the duration is reached, or until stop(); resolves with the summary. */
  async run(): Promise<MonitorResult> {
    const started = performance.now();
    const { signal } = this.#hooks;
    const onAbort = (): void => void this.stop();
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) void this.stop();
    if (this.#options.durationMs !== undefined) {
      this.#durationTimer = setTimeout(() => void this.stop('duration'), this.#options.durationMs);
    }
    // The sensors are daemons (they keep nothing alive); the monitor's run is
    // the program's main work, as the seed's `while` loop is: it keeps it alive.
    const releaseProgram = holdProgramOpen();
    const finished = this.#sensors.map((sensor) => this.#startSensor(sensor));
    // When every sensor has taken its count, stop as if asked.
    void Promise.all(finished).then(() => this.stop('count'));
    try {
      await this.#consume();
      await this.#stopping;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      releaseProgram();
      clearTimeout(this.#durationTimer);
      // Also when the consumer failed: no sensor may go on taking readings.
      await this.stop();
      await this.#pool.terminate();
      await this.#queue.dispose();
      for (const sensor of this.#sensors) sensor.close?.();
    }
    return { summary: this.#summary.build(), reason: this.#reason ?? 'stopped', durationMs: performance.now() - started };
  }

  /**
   * Stops taking readings; what was taken is still analysed. Resolves when the
   * sensors have stopped and the queue is closed (run() then finishes the rest).
   */
  stop(reason: MonitorResult['reason'] = 'stopped'): Promise<void> {
    this.#stopping ??= (async () => {
      this.#reason = reason;
      clearTimeout(this.#durationTimer);
      await Promise.all(this.#daemons.map((daemon) => daemon.stop()));
      this.#queue.close();
    })();
    return this.#stopping;
  }

  /** Starts one sensor's daemon; resolves when it has taken its count (never, without a count). */
  #startSensor(sensor: Sensor): Promise<void> {
    let seq = 0;
    const { count } = this.#options;
    return new Promise<void>((reachedCount) => {
      const daemon = periodic(
        async () => {
          if (count !== undefined && seq >= count) return;
          const value = await sensor.read();
          const reading: RawReading = {
            sensor: sensor.name,
            unit: sensor.unit,
            simulated: sensor.simulated,
            value,
            takenAt: Date.now(),
            seq: ++seq,
          };
          this.#summary.taken(sensor.name);
          await this.#queue.put(reading);
          if (count !== undefined && seq >= count) reachedCount();
        },
        { intervalMs: this.#options.intervalMs, name: `sensor ${sensor.name}`, immediate: true },
      );
      this.#daemons.push(daemon);
    });
  }

  /** Takes readings in queue order and has the pool classify each, until the queue is closed and empty. */
  async #consume(): Promise<void> {
    for await (const reading of this.#queue) {
      const analysed = await this.#pool.apply(analyzeReading, [reading, thresholdFor(this.#options, reading.sensor)]);
      this.#summary.analysed(analysed);
      this.#hooks.onReading?.(analysed);
    }
  }
}

/** Runs a monitor to the end (see SystemMonitor). */
export function runMonitor(options: MonitorOptions, hooks: MonitorHooks = {}): Promise<MonitorResult> {
  return new SystemMonitor(options, hooks).run();
}
