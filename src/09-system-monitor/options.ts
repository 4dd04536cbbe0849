/**
 * The monitor's options, from the command line (read with util.parseArgs) or
 * from a notebook, checked in one place. Each bad value is a UsageError: one
 * clear line naming the option (the program exits with 2).
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
 *   --analysis sequential   one analysis at a time, as the seed (apply_async, then get at once);
 *                        concurrent: up to --workers analyses in flight, printed in queue order
 *   --seed-profile       the seed's run: cpu every 1.5 s, memory every 2 s, temperature every
 *                        1.8 s, 5 readings each, an end marker per sensor, get with a 1 s
 *                        timeout, 0.5 s per analysis (--count, --analysis, --pool, --workers,
 *                        --threshold, --json still apply; --interval and --sensors do not)
 *   --stream [URL]       also publish every reading taken to the Redis Stream monitor:readings
 *                        (XADD, capped near 10,000 entries) at URL (redis://host:port), else
 *                        REDIS_URL, else on a private Redis started for the run
 */
import { parseCommandLine, readOneOf, readWholeNumber, UsageError } from '../engine/command-line.js';
import { SENSOR_NAMES, type SensorName } from './sensors.js';

export interface MonitorOptions {
  intervalMs: number;
  /** Per-sensor intervals in ms, for sensors not using `intervalMs` (the seed: cpu 1500, memory 2000...). */
  intervals: Record<string, number>;
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
  /**
   * Each sensor puts an end marker into the queue one interval after its last reading
   * (the seed's `queue.put((name, None, None))`); the consumer ends when every sensor's
   * marker has come, instead of when the queue is closed.
   */
  sentinels: boolean;
  /** The consumer's `get` waits at most this long, then tries again (the seed's `get(timeout=1)`, `queue.Empty`). */
  getTimeoutMs: number | undefined;
  /** Simulated processing time of each analysis, in ms (the seed's `time.sleep(0.5)`); 0: none. */
  analyzeMs: number;
  /** 'sequential': one analysis at a time (the seed); 'concurrent': up to `workers` in flight. */
  analysis: AnalysisMode;
  /** The run is the seed's (--seed-profile): the CLI prints the seed's two lines per reading. */
  seedProfile: boolean;
  /**
   * Publish every reading taken to a Redis Stream (--stream): at this URL; '' for REDIS_URL,
   * else a Redis started for the run; undefined: no stream.
   */
  stream?: string;
}

export type AnalysisMode = 'sequential' | 'concurrent';

/** The seed's sensors and their intervals (SensorDaemon("CPU", ..., interval=1.5), ...). */
export const SEED_INTERVALS: Readonly<Record<'cpu' | 'memory' | 'temperature', number>> = { cpu: 1500, memory: 2000, temperature: 1800 };

export const DEFAULT_SENSORS: SensorName[] = ['cpu', 'memory', 'temperature', 'load', 'lag'];

const MONITOR_USAGE =
  'usage: npm run monitor -- [--interval 1s] [--count n] [--duration 30s] [--threshold 70|cpu=80,...] ' +
  '[--sensors cpu,memory,...] [--workers n] [--pool processes|threads] [--seed n] [--json] ' +
  '[--analysis sequential|concurrent] [--seed-profile] [--stream [redis://host:port]]';

/** A bad value found by the monitor's own checks (a duration, a threshold, a sensor). */
export class MonitorOptionError extends UsageError {
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

/** "60,cpu=80": 60 for every sensor, 80 for cpu. */
function parseThresholds(text: string, options: Pick<MonitorOptions, 'threshold' | 'thresholds'>): void {
  for (const part of text.split(',')) {
    const [name, amount] = part.includes('=') ? part.split('=') : [undefined, part];
    if (name === undefined) options.threshold = parseThreshold(amount, '--threshold');
    else options.thresholds[name.trim()] = parseThreshold(amount, `--threshold for ${name.trim()}`);
  }
}

function parseSensors(text: string): SensorName[] {
  return text
    .split(',')
    .map((name) => name.trim())
    .map((name) => {
      if (!(SENSOR_NAMES as readonly string[]).includes(name)) {
        throw new MonitorOptionError(`--sensors: unknown sensor "${name}" (known: ${SENSOR_NAMES.join(', ')})`);
      }
      return name as SensorName;
    });
}

/** `--stream` takes an optional value: given alone (last, or before another option), it is `--stream=`. */
function streamWithoutValue(argv: readonly string[]): string[] {
  return argv.map((word, i) => (word === '--stream' && (i + 1 >= argv.length || argv[i + 1].startsWith('-')) ? '--stream=' : word));
}

/** A Redis address: redis://host:port (a password may be in it: redis://:secret@host:port). */
function parseStreamUrl(text: string): string {
  if (text === '') return text;
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'redis:' || url.hostname === '') {
    throw new MonitorOptionError(`--stream must be a Redis address like redis://127.0.0.1:6379 (or nothing), got "${text}"`);
  }
  return text;
}

/** Reads the command line (`--name value` pairs and the `--json` flag) into options, with defaults. */
export function parseMonitorArguments(argv: readonly string[]): MonitorOptions {
  const { values } = parseCommandLine(streamWithoutValue(argv), {
    usage: MONITOR_USAGE,
    options: {
      interval: { type: 'string' },
      count: { type: 'string' },
      duration: { type: 'string' },
      // Given more than once, every one counts: --threshold 60 --threshold cpu=80.
      threshold: { type: 'string', multiple: true },
      sensors: { type: 'string' },
      workers: { type: 'string' },
      pool: { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'boolean' },
      analysis: { type: 'string' },
      'seed-profile': { type: 'boolean' },
      stream: { type: 'string' },
    },
  });
  const seedRun = values['seed-profile'] ?? false;
  if (seedRun) {
    for (const clash of ['interval', 'sensors', 'duration'] as const) {
      if (values[clash] !== undefined) {
        throw new MonitorOptionError(
          `--seed-profile cannot be used with --${clash}: it runs the seed's sensors (cpu, memory, temperature) ` +
            `at the seed's intervals (1.5 s, 2 s, 1.8 s) until each has taken its --count readings (default 5)`,
        );
      }
    }
  }
  const thresholds: Pick<MonitorOptions, 'threshold' | 'thresholds'> = { threshold: 70, thresholds: {} };
  for (const text of values.threshold ?? []) parseThresholds(text, thresholds);
  const count = values.count === undefined ? undefined : readWholeNumber(values.count, '--count', 1);
  const analysis = values.analysis === undefined ? 'sequential' : readOneOf(values.analysis, '--analysis', ['sequential', 'concurrent']);
  return {
    intervalMs: values.interval === undefined ? 1000 : parseDuration(values.interval, '--interval'),
    intervals: seedRun ? { ...SEED_INTERVALS } : {},
    count: seedRun ? (count ?? 5) : count,
    durationMs: values.duration === undefined ? undefined : parseDuration(values.duration, '--duration'),
    ...thresholds,
    sensors: seedRun
      ? ['cpu', 'memory', 'temperature']
      : values.sensors === undefined
        ? [...DEFAULT_SENSORS]
        : parseSensors(values.sensors),
    workers: values.workers === undefined ? 2 : readWholeNumber(values.workers, '--workers', 1),
    pool: values.pool === undefined ? 'processes' : readOneOf(values.pool, '--pool', ['processes', 'threads']),
    json: values.json ?? false,
    seed: values.seed === undefined ? 1 : readWholeNumber(values.seed, '--seed', 1),
    sentinels: seedRun,
    getTimeoutMs: seedRun ? 1000 : undefined,
    analyzeMs: seedRun ? 500 : 0,
    analysis,
    seedProfile: seedRun,
    ...(values.stream === undefined ? {} : { stream: parseStreamUrl(values.stream) }),
  };
}

/** The seed's run as options (what --seed-profile gives), with `overrides`. */
export function seedProfile(overrides: Partial<MonitorOptions> = {}): MonitorOptions {
  return { ...parseMonitorArguments(['--seed-profile']), ...overrides };
}

/** The interval that applies to a sensor, in ms. */
export function intervalFor(options: Pick<MonitorOptions, 'intervalMs' | 'intervals'>, sensor: string): number {
  return options.intervals[sensor] ?? options.intervalMs;
}

/** The threshold that applies to a sensor. */
export function thresholdFor(options: Pick<MonitorOptions, 'threshold' | 'thresholds'>, sensor: string): number {
  return options.thresholds[sensor] ?? options.threshold;
}
