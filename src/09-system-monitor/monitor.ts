/**
 * The system monitor (seed 002), built from the library's parts:
 *
 *   sensor daemons ──put──► Queue ──► analyzer Pool ──► terminal view / chart
 *   (periodic, one per sensor)        (NORMAL / ALERT)
 *
 * - Each sensor is a periodic daemon: it takes a reading at its interval (its
 *   own, with `intervals`) and puts it into the queue. Daemons do not keep the
 *   program alive.
 * - One consumer takes readings from the queue in order and has the pool
 *   classify each (the seed's `pool.apply_async(analyze_data, ...)`): one at a
 *   time as the seed, or several in flight (analysis.ts).
 * - With `sentinels`, each sensor puts an end marker one interval after its last
 *   reading (the seed's `(name, None, None)`) and the consumer ends once every
 *   sensor's marker came. With `getTimeoutMs`, the consumer's `get` gives up after
 *   that long and tries again (the seed's `get(timeout=1)` and `except queue.Empty`).
 * - Stopping (the count or the duration is reached, `stop()`, an AbortSignal,
 *   or SIGINT/SIGTERM in the command-line program) goes through a shutdown
 *   coordinator, in this order: stop the sensors (no new readings), close the
 *   queue and let the consumer drain it (every reading taken is analyzed), close
 *   the pool, then report the summary.
 */
import { Queue, QueueClosedError, QueueTimeoutError } from '../03-processes-queues-pipes/queue.js';
import { Pool } from '../04-pools/pool.js';
import { holdProgramOpen, type Daemon, type DaemonClock } from '../06-daemons/daemon.js';
import { periodic } from '../06-daemons/periodic.js';
import { Analysis } from './analysis.js';
import type { RawReading } from './analyzer.js';
import { intervalFor, thresholdFor, type MonitorOptions } from './options.js';
import { createSensors, type Sensor } from './sensors.js';
import { SummaryBuilder, type SensorSummary } from './summary.js';
import type { AnalyzedReading } from './analyzer.js';

export interface MonitorHooks {
  /** Called with every analyzed reading, in the order the queue gave them. */
  onReading?(reading: AnalyzedReading): void;
  /** Called with every reading as soon as a sensor took it, before it is queued (the CLI's --stream publishes it). */
  onTaken?(reading: RawReading): void;
  /** Stops the monitor as `stop()` does. */
  signal?: AbortSignal;
  /** Sensors to use instead of the ones named in the options (tests). */
  sensors?: Sensor[];
  /** Called when a sensor has put its end marker (with `sentinels`). */
  onSensorDone?(sensor: string): void;
  /** Called each time the consumer's `get` timed out on an empty queue (with `getTimeoutMs`). */
  onGetTimeout?(): void;
  /** The sensors' daemons read the time and set their timers here (tests pass a clock they move by hand). */
  clock?: DaemonClock;
}

/** The end marker a sensor puts after its last reading (the seed: `(name, None, None)`). */
interface SensorDone {
  sensor: string;
  done: true;
}

type QueueItem = RawReading | SensorDone;

export interface MonitorResult {
  summary: SensorSummary[];
  /** Why it stopped: 'count', 'duration', 'stopped' (stop() or the signal). */
  reason: 'count' | 'duration' | 'stopped';
  durationMs: number;
  /** How the consumer ended: every sensor's end marker came, or the queue was closed and empty. */
  endedBy: 'markers' | 'closed';
  /** End markers the consumer took. */
  markers: number;
  /** Times the consumer's `get` timed out on an empty queue and tried again. */
  getTimeouts: number;
  /** The most analyses in flight at once: 1 for the seed's way (sequential). */
  maxInFlight: number;
}

export class SystemMonitor {
  readonly #options: MonitorOptions;
  readonly #hooks: MonitorHooks;
  readonly #sensors: Sensor[];
  readonly #queue = new Queue<QueueItem>({ name: 'readings' });
  readonly #pool: Pool;
  readonly #analysis: Analysis;
  /** Puts a sensor's end marker, once (sentinels on). */
  readonly #endMarkers: (() => Promise<void>)[] = [];
  #getTimeouts = 0;
  #markers = 0;
  readonly #summary = new SummaryBuilder();
  readonly #daemons: Daemon[] = [];
  #reason: MonitorResult['reason'] | undefined;
  #stopping: Promise<void> | undefined;
  #durationTimer: NodeJS.Timeout | undefined;

  constructor(options: MonitorOptions, hooks: MonitorHooks = {}) {
    this.#options = options;
    this.#hooks = hooks;
    this.#sensors = hooks.sensors ?? createSensors(options.sensors, options.seed);
    // Long analyses travel one per message, so that each idle worker takes the next one.
    this.#pool = new Pool({ size: options.workers, kind: options.pool, dispatch: options.analyzeMs > 0 ? 'one-at-a-time' : 'batched' });
    this.#analysis = new Analysis(this.#pool, {
      mode: options.analysis,
      inFlight: options.workers,
      analyzeMs: options.analyzeMs,
      thresholdOf: (sensor) => thresholdFor(options, sensor),
      onAnalyzed: (analyzed) => {
        this.#summary.analyzed(analyzed);
        this.#hooks.onReading?.(analyzed);
      },
    });
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
    let endedBy: MonitorResult['endedBy'];
    try {
      endedBy = await this.#consume();
      await this.#analysis.drain();
      // Every end marker came before any stop: each sensor had taken its count.
      if (endedBy === 'markers' && !this.#stopping) await this.stop('count');
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
    return {
      summary: this.#summary.build(),
      reason: this.#reason ?? 'stopped',
      durationMs: performance.now() - started,
      endedBy,
      markers: this.#markers,
      getTimeouts: this.#getTimeouts,
      maxInFlight: this.#analysis.maxInFlight,
    };
  }

  /**
   * Stops taking readings; what was taken is still analyzed. Resolves when the
   * sensors have stopped and the queue is closed (run() then finishes the rest).
   */
  stop(reason: MonitorResult['reason'] = 'stopped'): Promise<void> {
    this.#stopping ??= (async () => {
      this.#reason = reason;
      clearTimeout(this.#durationTimer);
      await Promise.all(this.#daemons.map((daemon) => daemon.stop()));
      // A stopped sensor still says it is done (the seed's thread leaves its loop and puts its None).
      await Promise.all(this.#endMarkers.map((putEndMarker) => putEndMarker()));
      this.#queue.close();
    })();
    return this.#stopping;
  }

  /**
   * Starts one sensor's daemon; resolves when it has taken its count (and, with
   * sentinels, put its end marker one interval later, as the seed's sensor
   * sleeps after its last reading); never, without a count.
   */
  #startSensor(sensor: Sensor): Promise<void> {
    let seq = 0;
    const { count, sentinels } = this.#options;
    let markerPut: Promise<void> | undefined;
    const putEndMarker = (): Promise<void> =>
      (markerPut ??= this.#queue.put({ sensor: sensor.name, done: true }).then(() => this.#hooks.onSensorDone?.(sensor.name)));
    if (sentinels) this.#endMarkers.push(putEndMarker);
    return new Promise<void>((reachedCount) => {
      const daemon = periodic(
        async () => {
          if (count !== undefined && seq >= count) {
            if (sentinels) {
              await putEndMarker();
              reachedCount();
            }
            return;
          }
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
          this.#hooks.onTaken?.(reading);
          await this.#queue.put(reading);
          if (!sentinels && count !== undefined && seq >= count) reachedCount();
        },
        {
          intervalMs: intervalFor(this.#options, sensor.name),
          name: `sensor ${sensor.name}`,
          immediate: true,
          clock: this.#hooks.clock,
        },
      );
      this.#daemons.push(daemon);
    });
  }

  /**
   * Takes items in queue order and has each reading analyzed, until every
   * sensor's end marker came (sentinels) or the queue is closed and empty. The
   * seed's loop: `while finished_sensors < total_sensors: try: get(timeout=1) ...
   * except queue.Empty: continue`.
   */
  async #consume(): Promise<MonitorResult['endedBy']> {
    const { sentinels, getTimeoutMs } = this.#options;
    const done = new Set<string>();
    for (;;) {
      if (sentinels && done.size >= this.#sensors.length) return 'markers';
      let item: QueueItem;
      try {
        item = await this.#queue.get(getTimeoutMs === undefined ? undefined : { timeout: getTimeoutMs });
      } catch (error) {
        if (error instanceof QueueClosedError) return 'closed';
        if (!(error instanceof QueueTimeoutError)) throw error;
        // queue.Empty: nothing came within the timeout; look again.
        this.#getTimeouts += 1;
        this.#hooks.onGetTimeout?.();
        continue;
      }
      if ('done' in item) {
        this.#markers += 1;
        done.add(item.sensor);
        continue;
      }
      await this.#analysis.submit(item);
    }
  }
}

/** Runs a monitor to the end (see SystemMonitor). */
export function runMonitor(options: MonitorOptions, hooks: MonitorHooks = {}): Promise<MonitorResult> {
  return new SystemMonitor(options, hooks).run();
}
