/**
 * The command line of `npm run race`, read with util.parseArgs into race
 * options. Every mistake is a UsageError with one line naming the flag (the
 * program exits with 2).
 *
 *   --runtime async|threads|processes|net   (default async)
 *   --penguins N --flies M --length L --seed S
 *   --latency a-b      simulated network delay in ms (a range, or one number)
 *   --think a-b        a penguin's pause between requests, ms
 *   --fly-interval a-b a fly's pause between moves, ms
 *   --clock real|virtual   virtual: no real waiting, an exact replay of the seed
 *   --time-limit ms    end the race after this long (race time)
 *   --host h --port p  net runtime: where the server listens (default 127.0.0.1, any free port)
 *   --deny-rate p      extra rule: refuse a move at random with probability p ('busy')
 *   --refuse-stale     extra rule: refuse a move asked from a cell the penguin has left
 *   --homing-flies     extra rule: flies home in on their penguin
 *   (without the three extra rules, the race follows seed 000's rules)
 *   --no-animation     no live track (the final table only)
 *   --json             print the result as JSON (for scripts)
 *   --help, -h         these options
 */
import { parseCommandLine, readOneOf, readWholeNumber, UsageError } from '../engine/command-line.js';
import { RUNTIMES, type MsRange, type RaceOptionError, type RaceOptions } from './options.js';

export interface RaceCommand {
  options: RaceOptions;
  animation: boolean;
  json: boolean;
  help: boolean;
}

export const RACE_USAGE = `usage: npm run race -- [--runtime async|threads|processes|net] [--penguins N] [--flies M]
       [--length L] [--seed S] [--latency a-b] [--think a-b] [--fly-interval a-b]
       [--clock real|virtual] [--time-limit ms] [--host h] [--port p] [--deny-rate p]
       [--refuse-stale] [--homing-flies] [--no-animation] [--json]`;

/** "5-20" → [5, 20]; "7" → [7, 7]. */
export function parseMsRange(text: string, flag: string): MsRange {
  const match = /^(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))?$/.exec(text.trim());
  if (!match) throw new UsageError(`${flag} must be milliseconds like 5-20 or 10, got "${text}"`);
  const low = Number(match[1]);
  const high = match[2] === undefined ? low : Number(match[2]);
  if (low > high) throw new UsageError(`${flag}: the range must go from low to high, got "${text}"`);
  return [low, high];
}

/** Each flag that takes a value: the race option it sets, and how its text is read. */
const VALUE_FLAGS = {
  runtime: { option: 'runtime', read: (text, flag) => readOneOf(text, flag, RUNTIMES) },
  penguins: { option: 'penguins', read: readWholeNumber },
  flies: { option: 'flies', read: readWholeNumber },
  length: { option: 'length', read: readWholeNumber },
  seed: { option: 'seed', read: readWholeNumber },
  latency: { option: 'latencyMs', read: parseMsRange },
  think: { option: 'thinkMs', read: parseMsRange },
  'fly-interval': { option: 'flyIntervalMs', read: parseMsRange },
  clock: { option: 'clock', read: (text, flag) => readOneOf(text, flag, ['real', 'virtual']) },
  'time-limit': { option: 'timeLimitMs', read: readWholeNumber },
  host: { option: 'host', read: (text) => text },
  port: { option: 'port', read: readWholeNumber },
  'deny-rate': { option: 'denyRate', read: readProbability },
} satisfies Record<string, { option: keyof RaceOptions; read: (text: string, flag: string) => unknown }>;

type ValueFlag = keyof typeof VALUE_FLAGS;

const RACE_FLAGS = {
  ...(Object.fromEntries(Object.keys(VALUE_FLAGS).map((flag) => [flag, { type: 'string' }])) as Record<ValueFlag, { type: 'string' }>),
  'refuse-stale': { type: 'boolean' },
  'homing-flies': { type: 'boolean' },
  'no-animation': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function parseRaceArguments(argv: readonly string[]): RaceCommand {
  const { values } = parseCommandLine(argv, { options: RACE_FLAGS });
  const options: Record<string, unknown> = {};
  for (const [flag, { option, read }] of Object.entries(VALUE_FLAGS)) {
    const text = values[flag as ValueFlag];
    if (text !== undefined) options[option] = read(text, `--${flag}`);
  }
  if (values['refuse-stale']) options.refuseStale = true;
  if (values['homing-flies']) options.homingFlies = true;
  return { options: options as RaceOptions, animation: !values['no-animation'], json: values.json ?? false, help: values.help ?? false };
}

/** "0.1" → 0.1, a probability from 0 to 1. */
function readProbability(text: string, flag: string): number {
  const value = Number(text);
  if (text.trim() === '' || !(value >= 0 && value <= 1))
    throw new UsageError(`${flag} must be a probability from 0 to 1, like 0.1, got "${text}"`);
  return value;
}

/** The flag that sets each race option (the track length bounds the step, so --length answers for maxStep). */
const FLAG_OF_OPTION: Record<string, string> = {
  ...Object.fromEntries(Object.entries(VALUE_FLAGS).map(([flag, { option }]) => [option, `--${flag}`])),
  maxStep: '--length',
};

/** A bad option found by the race's own checks ("penguins must be..."), in the command line's words ("--penguins must be..."). */
export function asUsageError(error: RaceOptionError): UsageError {
  return new UsageError(error.message.replace(/^(\w+)/, (name) => FLAG_OF_OPTION[name] ?? name));
}
