/**
 * The race's settings, checked in one place. A notebook passes an object, the
 * command line passes flags (see cli-arguments.ts); both end up here, and every
 * bad value gets a RaceOptionError naming the option and what was expected.
 *
 * The rules part (`RaceRules`) is plain data that travels to every actor: a
 * worker thread, a child process or a client on another machine builds the
 * same penguin or fly from it.
 */
import { describeValue } from '../engine/validate.js';
import type { RaceSnapshot } from './snapshot.js';

export const RUNTIMES = ['async', 'threads', 'processes', 'net'] as const;
export type RuntimeName = (typeof RUNTIMES)[number];

export type ClockKind = 'real' | 'virtual';

/** A range of milliseconds [min, max]; a random value in it is drawn each time. */
export type MsRange = readonly [number, number];

/** What every actor must agree on: plain data, sent to workers, children and clients. */
export interface RaceRules {
  penguins: number;
  flies: number;
  /** Track length L: penguins start at 0 and finish at L. */
  length: number;
  seed: number;
  /** Simulated network delay before the server answers a request. */
  latencyMs: MsRange;
  /** A penguin's pause between a reply and its next request. */
  thinkMs: MsRange;
  /** A fly's pause between two moves. */
  flyIntervalMs: MsRange;
  /** A penguin asks to move 1..maxStep cells at a time. */
  maxStep: number;
  /** A fly moves at most this many cells per move. */
  flySpeed: number;
  /** Extra rule (off: 0): probability that the server refuses a move ("busy"). */
  denyRate: number;
  /** Extra rule (off: false): refuse a move asked from a cell the penguin has left ("stale"). */
  refuseStale: boolean;
  /** Extra rule (off: false): flies fly toward their target and never sit on 0 or L. */
  homingFlies: boolean;
  /** Probability that a fly changes target on a move. */
  retargetRate: number;
  clock: ClockKind;
}

export interface RaceOptions {
  runtime?: RuntimeName;
  penguins?: number;
  flies?: number;
  length?: number;
  seed?: number;
  /** ms, or [min, max] ms (default [5, 20]). */
  latencyMs?: number | MsRange;
  /** ms, or [min, max] ms (default [20, 60]). */
  thinkMs?: number | MsRange;
  /** ms, or [min, max] ms (default [30, 80]). */
  flyIntervalMs?: number | MsRange;
  maxStep?: number;
  flySpeed?: number;
  /** Not in the seed: refuse this share of moves at random, like a busy server (default 0). */
  denyRate?: number;
  /** Not in the seed: refuse a move from a cell the penguin was knocked off meanwhile (default false). */
  refuseStale?: boolean;
  /** Not in the seed: flies home in on their target instead of flying freely (default false). */
  homingFlies?: boolean;
  retargetRate?: number;
  /** 'real' (default): timers; 'virtual': a discrete-event scheduler, exact replays, no real waiting. */
  clock?: ClockKind;
  /** End the race after this many ms of race time (real or virtual), reported as 'time-bound' (default 60,000). */
  timeLimitMs?: number;
  /** Virtual clock only: give up after this many real ms (default 60,000). */
  wallLimitMs?: number;
  /** Called with a snapshot every `frameMs` of race time, and once at the end. */
  onFrame?: (snapshot: RaceSnapshot) => void;
  /** Race time between frames (default 100 ms). */
  frameMs?: number;
  /** Record every event (moves, denials, knockdowns, finishes, fly moves) in the result. */
  trace?: boolean;
  /** Aborting it stops the race like Ctrl-C: partial result, everything ended. */
  signal?: AbortSignal;
  /** net runtime: where the server listens (default 127.0.0.1, port 0 = any free port). */
  host?: string;
  port?: number;
  /** Real ms to wait for every worker, child or client to report ready (default 30,000). */
  startTimeoutMs?: number;
}

export interface NormalizedRaceOptions {
  runtime: RuntimeName;
  rules: RaceRules;
  timeLimitMs: number;
  wallLimitMs: number;
  onFrame: ((snapshot: RaceSnapshot) => void) | undefined;
  frameMs: number;
  trace: boolean;
  signal: AbortSignal | undefined;
  host: string;
  port: number;
  startTimeoutMs: number;
}

export class RaceOptionError extends Error {
  override name = 'RaceOptionError';
}

const KNOWN = new Set([
  'runtime',
  'penguins',
  'flies',
  'length',
  'seed',
  'latencyMs',
  'thinkMs',
  'flyIntervalMs',
  'maxStep',
  'flySpeed',
  'denyRate',
  'refuseStale',
  'homingFlies',
  'retargetRate',
  'clock',
  'timeLimitMs',
  'wallLimitMs',
  'onFrame',
  'frameMs',
  'trace',
  'signal',
  'host',
  'port',
  'startTimeoutMs',
]);

function integer(value: unknown, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
  const bounds = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
  throw new RaceOptionError(`${name} must be an integer ${bounds}, got ${describeValue(value)}`);
}

function positiveMs(value: unknown, name: string): number {
  if (typeof value === 'number' && value > 0 && Number.isFinite(value)) return value;
  throw new RaceOptionError(`${name} must be a number of milliseconds > 0, got ${describeValue(value)}`);
}

function probability(value: unknown, name: string): number {
  if (typeof value === 'number' && value >= 0 && value < 1) return value;
  throw new RaceOptionError(`${name} must be a probability from 0 to below 1, got ${describeValue(value)}`);
}

function flag(value: unknown, name: string): boolean {
  if (typeof value === 'boolean') return value;
  throw new RaceOptionError(`${name} must be true or false, got ${describeValue(value)}`);
}

function msRange(value: unknown, name: string): MsRange {
  const pair = typeof value === 'number' ? [value, value] : value;
  if (
    Array.isArray(pair) &&
    pair.length === 2 &&
    pair.every((end) => typeof end === 'number' && end >= 0 && end <= 600_000) &&
    pair[0] <= pair[1]
  ) {
    return [pair[0], pair[1]];
  }
  throw new RaceOptionError(
    `${name} must be milliseconds (0 to 600000) or a range [min, max] with min <= max, got ${describeValue(value)}`,
  );
}

/** Fills in defaults and checks every option; throws RaceOptionError naming the first bad one. */
export function normalizeRaceOptions(options: RaceOptions = {}): NormalizedRaceOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new RaceOptionError(`options must be an object like { penguins: 5, flies: 2 }, got ${describeValue(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new RaceOptionError(`unknown race option "${key}" (known: ${[...KNOWN].join(', ')})`);
  }
  const runtime = options.runtime ?? 'async';
  if (!RUNTIMES.includes(runtime)) {
    throw new RaceOptionError(`runtime must be one of ${RUNTIMES.join(', ')}, got ${describeValue(runtime)}`);
  }
  const clock = options.clock ?? 'real';
  if (clock !== 'real' && clock !== 'virtual') throw new RaceOptionError(`clock must be 'real' or 'virtual', got ${describeValue(clock)}`);
  const penguins = integer(options.penguins ?? 5, 'penguins', 1, 1_000_000);
  const length = integer(options.length ?? 40, 'length', 2, 1_000_000);
  const rules: RaceRules = {
    penguins,
    flies: integer(options.flies ?? 2, 'flies', 0, 100_000),
    length,
    seed: integer(options.seed ?? 1, 'seed', 0),
    latencyMs: msRange(options.latencyMs ?? [5, 20], 'latencyMs'),
    thinkMs: msRange(options.thinkMs ?? [20, 60], 'thinkMs'),
    flyIntervalMs: msRange(options.flyIntervalMs ?? [30, 80], 'flyIntervalMs'),
    maxStep: integer(options.maxStep ?? Math.min(3, length), 'maxStep', 1, length),
    flySpeed: integer(options.flySpeed ?? 1, 'flySpeed', 1, length),
    denyRate: probability(options.denyRate ?? 0, 'denyRate'),
    refuseStale: flag(options.refuseStale ?? false, 'refuseStale'),
    homingFlies: flag(options.homingFlies ?? false, 'homingFlies'),
    retargetRate: probability(options.retargetRate ?? 0.05, 'retargetRate'),
    clock,
  };
  if (options.onFrame !== undefined && typeof options.onFrame !== 'function') {
    throw new RaceOptionError(`onFrame must be a function (snapshot) => void, got ${describeValue(options.onFrame)}`);
  }
  if (options.trace !== undefined && typeof options.trace !== 'boolean') {
    throw new RaceOptionError(`trace must be true or false, got ${describeValue(options.trace)}`);
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new RaceOptionError(`signal must be an AbortSignal, got ${describeValue(options.signal)}`);
  }
  const host = options.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host === '') throw new RaceOptionError(`host must be a host name or address, got ${describeValue(host)}`);
  return {
    runtime,
    rules,
    timeLimitMs: positiveMs(options.timeLimitMs ?? 60_000, 'timeLimitMs'),
    wallLimitMs: positiveMs(options.wallLimitMs ?? 60_000, 'wallLimitMs'),
    onFrame: options.onFrame,
    frameMs: positiveMs(options.frameMs ?? 100, 'frameMs'),
    trace: options.trace ?? false,
    signal: options.signal,
    host,
    port: integer(options.port ?? 0, 'port', 0, 65535),
    startTimeoutMs: positiveMs(options.startTimeoutMs ?? 30_000, 'startTimeoutMs'),
  };
}
