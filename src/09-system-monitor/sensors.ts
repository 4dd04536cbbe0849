/**
 * The monitor's sensors: real readings of this machine, and one simulated
 * sensor for tests and classrooms.
 *
 * A sensor answers one question, `read()`, with a number or `undefined` when the
 * machine does not expose it (a sensor never invents a value). Values:
 * - cpu: share of time all cores were busy since the previous reading, from the
 *   deltas of `os.cpus()` times (the first reading covers the time since the
 *   sensor was made); `cpu0`, `cpu1`, ... the same per core;
 * - memory: share of RAM in use (1 - available / total);
 * - temperature: the hottest zone in /sys/class/thermal, in °C;
 * - load: the 1-minute load average per core, in % (100 = every core busy);
 * - lag: this program's event-loop delay (p99 over the interval), in ms;
 * - simulated: a seeded random walk between 0 and 100, labeled as simulated.
 */
import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { availableParallelism, cpus, freemem, loadavg, totalmem } from 'node:os';
import { LagMeter } from '../01-threads-vs-async/lag-meter.js';
import { mulberry32 } from '../engine/mulberry32.js';

export interface Sensor {
  readonly name: string;
  /** '%', '°C' or 'ms'. */
  readonly unit: string;
  /** True for sensors that make their numbers up (tests, classrooms). */
  readonly simulated: boolean;
  read(): Promise<number | undefined>;
  /** Frees what the sensor holds (the lag sensor's histogram). */
  close?(): void;
}

export const SENSOR_NAMES = ['cpu', 'cores', 'memory', 'temperature', 'load', 'lag', 'simulated'] as const;
export type SensorName = (typeof SENSOR_NAMES)[number];

/** Busy and total CPU time (ms) from `os.cpus()`, summed over the cores or for one core. */
export interface CpuTimes {
  busy: number;
  total: number;
}

function timesOf(core: ReturnType<typeof cpus>[number]): CpuTimes {
  const { user, nice, sys, irq, idle } = core.times;
  const busy = user + nice + sys + irq;
  return { busy, total: busy + idle };
}

/** A snapshot of the CPU times of every core together (core undefined) or of one core. */
export function cpuTimes(core?: number): CpuTimes | undefined {
  const all = cpus().map(timesOf);
  if (core !== undefined) return all[core];
  if (all.length === 0) return undefined;
  return all.reduce((sum, times) => ({ busy: sum.busy + times.busy, total: sum.total + times.total }), { busy: 0, total: 0 });
}

/** Busy share between two snapshots, in % (undefined when no time passed between them). */
export function busyPercent(before: CpuTimes, after: CpuTimes): number | undefined {
  const total = after.total - before.total;
  if (total <= 0) return undefined;
  return Math.min(100, Math.max(0, ((after.busy - before.busy) / total) * 100));
}

/** Overall CPU use (core = undefined) or one core's. */
export function cpuSensor(core?: number): Sensor {
  const snapshot = () => cpuTimes(core);
  let previous = snapshot();
  return {
    name: core === undefined ? 'cpu' : `cpu${core}`,
    unit: '%',
    simulated: false,
    async read() {
      let now = snapshot();
      if (previous && now && now.total <= previous.total) {
        // Read right after the sensor was made: no CPU time has passed yet to compare.
        await sleep(100);
        now = snapshot();
      }
      const value = previous && now ? busyPercent(previous, now) : undefined;
      previous = now;
      return value;
    },
  };
}

export function memorySensor(): Sensor {
  return {
    name: 'memory',
    unit: '%',
    simulated: false,
    async read() {
      return (1 - freemem() / totalmem()) * 100;
    },
  };
}

/** The hottest thermal zone, or undefined where /sys/class/thermal has none (containers, most VMs). */
export function temperatureSensor(root = '/sys/class/thermal'): Sensor {
  return {
    name: 'temperature',
    unit: '°C',
    simulated: false,
    async read() {
      let zones: string[];
      try {
        zones = (await readdir(root)).filter((entry) => entry.startsWith('thermal_zone'));
      } catch {
        return undefined;
      }
      const readings = await Promise.all(
        zones.map((zone) =>
          readFile(`${root}/${zone}/temp`, 'utf8').then(
            (text) => Number(text.trim()) / 1000,
            () => Number.NaN,
          ),
        ),
      );
      const valid = readings.filter((celsius) => Number.isFinite(celsius));
      return valid.length > 0 ? Math.max(...valid) : undefined;
    },
  };
}

export function loadSensor(): Sensor {
  return {
    name: 'load',
    unit: '%',
    simulated: false,
    async read() {
      return (loadavg()[0] / availableParallelism()) * 100;
    },
  };
}

/** Event-loop lag of this program: the p99 delay since the previous reading, in ms (unit 01's lag meter). */
export function lagSensor(): Sensor {
  const meter = new LagMeter({ resolutionMs: 10 }).start();
  return {
    name: 'lag',
    unit: 'ms',
    simulated: false,
    async read() {
      // Read right after the sensor was made (or a previous read): let the meter take a sample.
      await meter.sampling();
      const { p99, samples } = meter.take();
      return samples > 0 ? p99 : undefined;
    },
    close() {
      if (meter.running) meter.stop();
    },
  };
}

/** A seeded random walk in 0..100 (mulberry32), so a class sees the same numbers every run. */
export function simulatedSensor(name = 'simulated', seed = 1): Sensor {
  const random = mulberry32(seed);
  let value = random() * 100;
  return {
    name,
    unit: '%',
    simulated: true,
    async read() {
      value = Math.min(100, Math.max(0, value + (random() - 0.5) * 40));
      return value;
    },
  };
}

/** The sensors for the names given on the command line (`cores` expands to one per core). */
export function createSensors(names: readonly SensorName[], seed = 1): Sensor[] {
  const sensors: Sensor[] = [];
  for (const name of names) {
    switch (name) {
      case 'cpu':
        sensors.push(cpuSensor());
        break;
      case 'cores':
        for (let core = 0; core < cpus().length; core++) sensors.push(cpuSensor(core));
        break;
      case 'memory':
        sensors.push(memorySensor());
        break;
      case 'temperature':
        sensors.push(temperatureSensor());
        break;
      case 'load':
        sensors.push(loadSensor());
        break;
      case 'lag':
        sensors.push(lagSensor());
        break;
      case 'simulated':
        sensors.push(simulatedSensor('simulated', seed));
        break;
    }
  }
  return sensors;
}
