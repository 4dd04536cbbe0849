/**
 * The kit's command lines, read with Node's `util.parseArgs`. Every program
 * (npm run grade, race, monitor, chart...) reads its words with
 * `parseCommandLine` and its values with the readers below. Every mistake is a
 * UsageError: `runCommand` prints it as one line on stderr naming the
 * parameter and what was expected (`--jobs must be a whole number above 0,
 * got "x"`), and the program exits with code 2.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { describeValue } from './validate.js';

/** A mistake on the command line: one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** `--help` or `-h` on a command that does not read them itself: runCommand prints the usage, exit code 0. */
export class HelpRequested extends Error {
  override name = 'HelpRequested';
}

type OptionsSpec = NonNullable<ParseArgsConfig['options']>;

export interface CommandLineSpec<O extends OptionsSpec, P extends boolean> {
  /** The options, as util.parseArgs takes them: `{ jobs: { type: 'string' }, help: { type: 'boolean', short: 'h' } }`. */
  options: O;
  /** Whether the command takes arguments that are not options (default false). */
  allowPositionals?: P;
  /** One line ("usage: npm run chart -- ..."), added to the message about an unknown option or argument. */
  usage?: string;
}

/** What util.parseArgs gives in strict mode for these options. */
export type CommandLine<O extends OptionsSpec, P extends boolean> = ReturnType<
  typeof parseArgs<{ options: O; allowPositionals: P; strict: true }>
>;

/**
 * Reads the arguments with util.parseArgs. Throws a UsageError naming the first
 * unknown option, option without its value, flag given a value, or (unless
 * allowed) argument that is not an option.
 */
export function parseCommandLine<const O extends OptionsSpec, const P extends boolean = false>(
  argv: readonly string[],
  spec: CommandLineSpec<O, P>,
): CommandLine<O, P> {
  // Not strict, with tokens: parseArgs splits the words (--name=value, -h, --), the checks
  // below word each mistake, and a value starting with "-" (--seed -1) reaches the reader
  // that says what was expected, where strict mode would call it ambiguous.
  const { values, positionals, tokens } = parseArgs({
    args: [...argv],
    options: spec.options,
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const withUsage = (message: string, otherwise = ''): string => (spec.usage ? `${message}; ${spec.usage}` : `${message}${otherwise}`);
  const readsHelp = Object.hasOwn(spec.options, 'help') || Object.hasOwn(spec.options, 'h');
  for (const token of tokens) {
    if (token.kind === 'option' && !readsHelp && spec.usage && (token.name === 'help' || token.name === 'h')) {
      throw new HelpRequested(spec.usage);
    }
    if (token.kind === 'positional' && !spec.allowPositionals) {
      throw new UsageError(withUsage(`unexpected argument ${describeValue(token.value)}`, ' (options start with --)'));
    }
    if (token.kind !== 'option') continue;
    const option = Object.hasOwn(spec.options, token.name) ? spec.options[token.name] : undefined;
    if (option === undefined) throw new UsageError(withUsage(`unknown option ${token.rawName}`));
    if (option.type === 'string' && (token.value === undefined || (!token.inlineValue && token.value.startsWith('--')))) {
      throw new UsageError(`${token.rawName} needs a value`);
    }
    if (option.type === 'boolean' && token.value !== undefined) {
      throw new UsageError(`${token.rawName} takes no value, got ${describeValue(token.value)}`);
    }
  }
  // Every token was checked against the options: the values have the types strict mode gives.
  return { values, positionals } as unknown as CommandLine<O, P>;
}

/** A whole number in digits: 0, 1, 2... (from 1 with `minimum` 1). */
export function readWholeNumber(text: string, flag: string, minimum: 0 | 1 = 0): number {
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (Number.isSafeInteger(value) && value >= minimum) return value;
  throw new UsageError(`${flag} must be ${minimum === 0 ? 'a whole number' : 'a whole number above 0'}, got ${describeValue(text)}`);
}

/** A number above 0, decimals allowed (a size, a scale, a number of seconds). */
export function readPositiveNumber(text: string, flag: string, unit?: string): number {
  const value = text.trim() === '' ? NaN : Number(text);
  if (Number.isFinite(value) && value > 0) return value;
  throw new UsageError(`${flag} must be a number${unit ? ` of ${unit}` : ''} above 0, got ${describeValue(text)}`);
}

/** One of a few words: `--pool must be processes or threads, got "fibers"`. */
export function readOneOf<const T extends string>(text: string, flag: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(text)) return text as T;
  const expected = allowed.length === 2 ? `${allowed[0]} or ${allowed[1]}` : `one of ${allowed.join(', ')}`;
  throw new UsageError(`${flag} must be ${expected}, got ${describeValue(text)}`);
}

export interface RunCommandOptions {
  /** What starts each error line: the program's name ("race"), or "error" (the default). */
  label?: string;
  /** Added to the line of a UsageError, e.g. "(--help shows the options)". */
  hint?: string;
  /**
   * The exit code for any other error, printed in one line as well. Without it,
   * other errors are thrown on (a stack trace: they are the program's bugs).
   */
  otherErrorsExitCode?: number;
}

/**
 * Runs a program's `main` and sets the exit code: the one main returns (none
 * when it returns nothing), or 2, with one line on stderr, for a UsageError.
 */
export async function runCommand(main: () => Promise<number | void> | number | void, options: RunCommandOptions = {}): Promise<void> {
  try {
    const code = await main();
    if (typeof code === 'number') process.exitCode = code;
  } catch (error) {
    if (error instanceof HelpRequested) {
      console.log(error.message);
      process.exitCode = 0;
      return;
    }
    const usage = error instanceof UsageError;
    if (!usage && options.otherErrorsExitCode === undefined) throw error;
    const message = (error as Error)?.message ?? String(error);
    const hint = usage && options.hint ? ` ${options.hint}` : '';
    console.error(`${options.label ?? 'error'}: ${message.replace(/\s*\n\s*/g, ' ')}${hint}`);
    process.exitCode = usage ? 2 : options.otherErrorsExitCode;
  }
}
