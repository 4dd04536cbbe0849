/**
 * The kit's one way to read a command line (src/engine/command-line.ts): the
 * words util.parseArgs splits, each mistake worded as one line naming the
 * parameter, and the readers of numbers and choices every program shares.
 */
import assert from 'node:assert/strict';
import {
  HelpRequested,
  parseCommandLine,
  readOneOf,
  readPositiveNumber,
  readWholeNumber,
  UsageError,
} from '../../src/engine/command-line.js';

const spec = {
  usage: 'usage: tool [--size n] [--tag t...] [--quiet] [file]',
  allowPositionals: true,
  options: {
    size: { type: 'string' },
    tag: { type: 'string', multiple: true },
    quiet: { type: 'boolean', short: 'q' },
  },
} as const;

/** The UsageError's message, checked to be one line. */
function refusal(read: () => unknown): string {
  try {
    read();
  } catch (error) {
    assert.ok(error instanceof UsageError, `a UsageError, got ${String(error)}`);
    assert.ok(!error.message.includes('\n'), `one line: ${error.message}`);
    return error.message;
  }
  assert.fail('the command line was accepted');
}

describe('engine: the command line (util.parseArgs)', () => {
  it('reads options in every spelling parseArgs knows, repeated ones, positionals and values starting with "-"', () => {
    const { values, positionals } = parseCommandLine(['a.txt', '--size=3', '--tag', 'x', '--tag', 'y', '-q', '--', '--b'], spec);
    assert.deepEqual({ ...values }, { size: '3', tag: ['x', 'y'], quiet: true });
    assert.deepEqual(positionals, ['a.txt', '--b']);
    assert.equal(parseCommandLine(['--size', '-1'], spec).values.size, '-1', 'left for the reader to refuse, naming --size');
  });

  it('names the first mistake: unknown option, missing value, flag with a value, unexpected argument', () => {
    assert.equal(
      refusal(() => parseCommandLine(['--color'], spec)),
      `unknown option --color; ${spec.usage}`,
    );
    assert.equal(
      refusal(() => parseCommandLine(['-x'], spec)),
      `unknown option -x; ${spec.usage}`,
    );
    assert.equal(
      refusal(() => parseCommandLine(['--size'], spec)),
      '--size needs a value',
    );
    assert.equal(
      refusal(() => parseCommandLine(['--size', '--quiet'], spec)),
      '--size needs a value',
    );
    assert.equal(
      refusal(() => parseCommandLine(['--quiet=yes'], spec)),
      '--quiet takes no value, got "yes"',
    );
    assert.equal(
      refusal(() => parseCommandLine(['file'], { options: {} })),
      'unexpected argument "file" (options start with --)',
    );
  });

  it('--help and -h ask for the usage, unless the command reads them itself', () => {
    for (const word of ['--help', '-h']) {
      assert.throws(
        () => parseCommandLine(['--size', '3', word], spec),
        (error: Error) => error instanceof HelpRequested && error.message === spec.usage,
      );
    }
    const ownHelp = { options: { help: { type: 'boolean', short: 'h' } } } as const;
    assert.equal(parseCommandLine(['-h'], ownHelp).values.help, true);
  });

  it('reads whole numbers, positive numbers and choices, naming the flag and what came', () => {
    assert.equal(readWholeNumber('0', '--seed'), 0);
    assert.equal(readWholeNumber('12', '--jobs', 1), 12);
    assert.equal(
      refusal(() => readWholeNumber('0', '--jobs', 1)),
      '--jobs must be a whole number above 0, got "0"',
    );
    assert.equal(
      refusal(() => readWholeNumber('2.5', '--seed')),
      '--seed must be a whole number, got "2.5"',
    );
    assert.equal(
      refusal(() => readWholeNumber('', '--seed')),
      '--seed must be a whole number, got ""',
    );
    assert.equal(readPositiveNumber('0.5', '--scale'), 0.5);
    assert.equal(
      refusal(() => readPositiveNumber('-3', '--width')),
      '--width must be a number above 0, got "-3"',
    );
    assert.equal(
      refusal(() => readPositiveNumber('soon', '--timeout', 'seconds')),
      '--timeout must be a number of seconds above 0, got "soon"',
    );
    assert.equal(readOneOf('threads', '--pool', ['processes', 'threads']), 'threads');
    assert.equal(
      refusal(() => readOneOf('x', '--pool', ['processes', 'threads'])),
      '--pool must be processes or threads, got "x"',
    );
    assert.equal(
      refusal(() => readOneOf('x', '--mode', ['a', 'b', 'c'])),
      '--mode must be one of a, b, c, got "x"',
    );
  });
});
