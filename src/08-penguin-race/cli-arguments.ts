/**
 * The command line of `npm run race`, read into race options. Every mistake is
 * a RaceOptionError with one line naming the flag (the program exits with 2).
 *
 *   --runtime async|threads|processes|net   (default async)
 *   --penguins N --flies M --length L --seed S
 *   --latency a-b      simulated network delay in ms (a range, or one number)
 *   --think a-b        a penguin's pause between requests, ms
 *   --fly-interval a-b a fly's pause between moves, ms
 *   --clock real|virtual   virtual: no real waiting, an exact replay of the seed
 *   --time-limit ms    end the race after this long (race time)
 *   --host h --port p  net runtime: where the server listens (default 127.0.0.1, any free port)
 *   --no-animation     no live track (the final table only)
 *   --json             print the result as JSON (for scripts)
 */
import { RaceOptionError, RUNTIMES, type ClockKind, type MsRange, type RaceOptions, type RuntimeName } from './options.js';

export interface RaceCommand {
  options: RaceOptions;
  animation: boolean;
  json: boolean;
  help: boolean;
}

export const RACE_USAGE = `usage: npm run race -- [--runtime async|threads|processes|net] [--penguins N] [--flies M]
       [--length L] [--seed S] [--latency a-b] [--think a-b] [--fly-interval a-b]
       [--clock real|virtual] [--time-limit ms] [--host h] [--port p] [--no-animation] [--json]`;

function wholeNumber(text: string, flag: string): number {
  if (!/^\d+$/.test(text)) throw new RaceOptionError(`${flag} must be a whole number, got "${text}"`);
  return Number(text);
}

/** "5-20" → [5, 20]; "7" → [7, 7]. */
export function parseMsRange(text: string, flag: string): MsRange {
  const match = /^(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))?$/.exec(text.trim());
  if (!match) throw new RaceOptionError(`${flag} must be milliseconds like 5-20 or 10, got "${text}"`);
  const low = Number(match[1]);
  const high = match[2] === undefined ? low : Number(match[2]);
  if (low > high) throw new RaceOptionError(`${flag}: the range must go from low to high, got "${text}"`);
  return [low, high];
}

export function parseRaceArguments(argv: readonly string[]): RaceCommand {
  const command: RaceCommand = { options: {}, animation: true, json: false, help: false };
  const { options } = command;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--no-animation') {
      command.animation = false;
      continue;
    }
    if (flag === '--json') {
      command.json = true;
      continue;
    }
    if (flag === '--help' || flag === '-h') {
      command.help = true;
      continue;
    }
    if (!flag.startsWith('--')) throw new RaceOptionError(`unexpected argument "${flag}" (options start with --)`);
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new RaceOptionError(`${flag} needs a value`);
    i++;
    switch (flag) {
      case '--runtime':
        if (!RUNTIMES.includes(value as RuntimeName))
          throw new RaceOptionError(`--runtime must be one of ${RUNTIMES.join(', ')}, got "${value}"`);
        options.runtime = value as RuntimeName;
        break;
      case '--penguins':
        options.penguins = wholeNumber(value, flag);
        break;
      case '--flies':
        options.flies = wholeNumber(value, flag);
        break;
      case '--length':
        options.length = wholeNumber(value, flag);
        break;
      case '--seed':
        options.seed = wholeNumber(value, flag);
        break;
      case '--latency':
        options.latencyMs = parseMsRange(value, flag);
        break;
      case '--think':
        options.thinkMs = parseMsRange(value, flag);
        break;
      case '--fly-interval':
        options.flyIntervalMs = parseMsRange(value, flag);
        break;
      case '--clock':
        if (value !== 'real' && value !== 'virtual') throw new RaceOptionError(`--clock must be real or virtual, got "${value}"`);
        options.clock = value as ClockKind;
        break;
      case '--time-limit':
        options.timeLimitMs = wholeNumber(value, flag);
        break;
      case '--host':
        options.host = value;
        break;
      case '--port':
        options.port = wholeNumber(value, flag);
        break;
      default:
        throw new RaceOptionError(`unknown option ${flag} (see --help)`);
    }
  }
  return command;
}
