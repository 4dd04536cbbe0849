/**
 * The monitor's options, from the command line or from a notebook, checked in
 * one place. Each bad value gets one clear line naming the option.
 *
 *   --interval 1s        time between readings of each sensor (ms, s or m; a bare number is seconds)
 *   --count 5            readings per sensor, then stop (the seed takes 5)
 *   --duration 30s       stop after this long (whichever comes first with --count)
 *   --threshold 70       ALERT at or above this value; per sensor: --threshold cpu=80,lag=50
 *   --sensors cpu,memory,temperature,load,lag   (also: cores, simulated)
 *   --workers 2          analyzer pool size (the seed's Pool(processes=2))
 *   --pool processes     the analyzer pool's workers: processes (as the seed) or threads
 *   --json               one JSON object per reading, per line
 *   --seed 1             seed of the simulated sensor
 */
import { SENSOR_NAMES, type SensorName } from './sensors.js';

export interface MonitorOptions {
  intervalMs: number;
  /** Readings per sensor; undefined: until the duration ends or a signal comes. */
  count: number | undefined;
  durationMs: number | undefined;
  /** Threshold for sensors not named in `thresholds`. */
  threshold: number;
  thresholds: Record<string, number>;
  sensors: SensorName[];
  workers: number;
  pool: 'processes' | 'threads';
  json: boolean;
  seed: number;
}

export const DEFAULT_SENSORS: SensorName[] = ['cpu', 'memory', 'temperature', 'load', 'lag'];

export class MonitorOptionError extends Error {
  override name = 'MonitorOptionError';
}

/** "1.5s", "500ms", "2m" or a bare number of seconds, in ms. */
export function parseDuration(text: string, option: string): number {
  if (/^\s*-\d/.test(text)) throw new MonitorOptionError(`${option} must be more than 0, got "${text}"`);
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!match) throw new MonitorOptionError(`${option} must be a duration like 500ms, 1.5s or 2m, got "${text}"`);
  const amount = Number(match[1]);
  const ms = amount * ({ ms: 1, s: 1000, m: 60_000 } as const)[(match[2] ?? 's') as 'ms' | 's' | 'm'];
  if (!(ms > 0)) throw new MonitorOptionError(`${option} must be more than 0, got "${text}"`);
  return ms;
}

function parseThreshold(text: string, option: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 100) {
    throw new MonitorOptionError(`${option} must be a number from 0 to 100, got "${text}"`);
  }
  return value;
}

function parseCount(text: string, option: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new MonitorOptionError(`${option} must be a whole number above 0, got "${text}"`);
  return value;
}

/** Reads `--name value` pairs (and the `--json` flag) into options, with defaults. */
export function parseMonitorArguments(argv: readonly string[]): MonitorOptions {
  const options: MonitorOptions = {
    intervalMs: 1000,
    count: undefined,
    durationMs: undefined,
    threshold: 70,
    thresholds: {},
    sensors: [...DEFAULT_SENSORS],
    workers: 2,
    pool: 'processes',
    json: false,
    seed: 1,
  };
  for (let i = 0; i < argv.length; i++) {
    const option = argv[i];
    if (option === '--json') {
      options.json = true;
      continue;
    }
    const value = argv[i + 1];
    if (!option.startsWith('--')) throw new MonitorOptionError(`unexpected argument "${option}" (options start with --)`);
    if (value === undefined || value.startsWith('--')) throw new MonitorOptionError(`${option} needs a value`);
    i++;
    switch (option) {
      case '--interval':
        options.intervalMs = parseDuration(value, '--interval');
        break;
      case '--count':
        options.count = parseCount(value, '--count');
        break;
      case '--duration':
        options.durationMs = parseDuration(value, '--duration');
        break;
      case '--threshold':
        for (const part of value.split(',')) {
          const [name, amount] = part.includes('=') ? part.split('=') : [undefined, part];
          if (name === undefined) options.threshold = parseThreshold(amount, '--threshold');
          else options.thresholds[name.trim()] = parseThreshold(amount, `--threshold for ${name.trim()}`);
        }
        break;
      case '--sensors':
        options.sensors = value
          .split(',')
          .map((name) => name.trim())
          .map((name) => {
            if (!(SENSOR_NAMES as readonly string[]).includes(name)) {
              throw new MonitorOptionError(`--sensors: unknown sensor "${name}" (known: ${SENSOR_NAMES.join(', ')})`);
            }
            return name as SensorName;
          });
        break;
      case '--workers':
        options.workers = parseCount(value, '--workers');
        break;
      case '--pool':
        if (value !== 'processes' && value !== 'threads') {
          throw new MonitorOptionError(`--pool must be processes or threads, got "${value}"`);
        }
        options.pool = value;
        break;
      case '--seed':
        options.seed = parseCount(value, '--seed');
        break;
      default:
        throw new MonitorOptionError(`unknown option ${option} (see the top of src/09-system-monitor/options.ts)`);
    }
  }
  return options;
}

/** The threshold that applies to a sensor. */
export function thresholdFor(options: Pick<MonitorOptions, 'threshold' | 'thresholds'>, sensor: string): number {
  return options.thresholds[sensor] ?? options.threshold;
}
