import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { compiledEntry } from '../../src/paths.js';
import { parseMsRange, parseRaceArguments } from '../../src/08-penguin-race/cli-arguments.js';
import type { RaceResult } from '../../src/08-penguin-race/results.js';

const cli = (): string => compiledEntry('08-penguin-race/cli.ts');

async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const result = await promisify(execFile)(process.execPath, [cli(), ...args], { timeout: 15_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
  return result;
}

describe('08 penguin race: the command line', function () {
  this.timeout(20_000);

  it('reads the flags, and names the bad one', () => {
    const command = parseRaceArguments([
      '--runtime',
      'net',
      '--penguins',
      '6',
      '--latency',
      '0-3',
      '--no-animation',
      '--json',
      '--clock',
      'virtual',
    ]);
    assert.deepEqual(command.options, { runtime: 'net', penguins: 6, latencyMs: [0, 3], clock: 'virtual' });
    assert.deepEqual([command.animation, command.json], [false, true]);
    assert.deepEqual(parseMsRange('7', '--latency'), [7, 7]);
    assert.throws(
      () => parseRaceArguments(['--runtime', 'fibers']),
      /^RaceOptionError: --runtime must be one of async, threads, processes, net, got "fibers"/,
    );
    assert.throws(() => parseRaceArguments(['--penguins']), /--penguins needs a value/);
    assert.throws(() => parseRaceArguments(['--penguins', 'two']), /--penguins must be a whole number, got "two"/);
    assert.throws(() => parseRaceArguments(['--latency', '9-2']), /--latency: the range must go from low to high/);
    assert.throws(() => parseRaceArguments(['--speed', '3']), /unknown option --speed/);
  });

  it('exits with 2 and one line on stderr for a bad option', async () => {
    for (const [args, message] of [
      [['--penguins', '0'], /^race: --penguins must be an integer from 1 to/],
      [['--runtime', 'fibers'], /^race: --runtime must be one of/],
      [['--latency', 'fast'], /^race: --latency must be milliseconds like 5-20/],
      [['positional'], /^race: unexpected argument "positional"/],
    ] as Array<[string[], RegExp]>) {
      const { code, stdout, stderr } = await runCli(args);
      assert.equal(code, 2, `${args.join(' ')}: exit code`);
      assert.equal(stdout, '');
      assert.equal(stderr.trim().split('\n').length, 1, stderr);
      assert.match(stderr, message);
    }
  });

  it('--json prints the result for scripts; without it, the final track and the table', async () => {
    const json = await runCli([
      '--runtime',
      'threads',
      '--penguins',
      '3',
      '--flies',
      '1',
      '--length',
      '10',
      '--seed',
      '4',
      '--clock',
      'virtual',
      '--json',
    ]);
    assert.equal(json.code, 0, json.stderr);
    const result = JSON.parse(json.stdout) as RaceResult;
    assert.equal(result.runtime, 'threads');
    assert.equal(result.ranking.length, 3);
    assert.deepEqual(result.rules.seed, 4);
    const plain = await runCli(['--penguins', '3', '--flies', '1', '--length', '10', '--latency', '0-1', '--no-animation']);
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stdout, /^Race started: 3 penguins, 1 flies, track 10, async runtime/);
    assert.match(plain.stdout, /P0 +\|/);
    assert.match(plain.stdout, /finished in [\d.]+ s/);
    assert.match(plain.stdout, /rank +penguin +place/);
    assert.match(plain.stdout, /1st/);
    assert.doesNotMatch(plain.stdout, /\x1b\[/, 'no ANSI codes when stdout is not a terminal');
  });

  it('Ctrl-C (SIGINT) stops the race, ends every child, prints the partial standings and exits 0', async () => {
    const child = spawn(
      process.execPath,
      [cli(), '--runtime', 'processes', '--penguins', '3', '--flies', '1', '--length', '100000', '--json'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 15_000;
      while (!/Race started/.test(stderr) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.match(stderr, /^Race started: 3 penguins, 1 flies, track 100000, processes runtime/);
      await new Promise((resolve) => setTimeout(resolve, 300));
      child.kill('SIGINT');
      assert.equal(await exited, 0, stderr);
    } finally {
      child.kill('SIGKILL');
    }
    const result = JSON.parse(stdout) as RaceResult;
    assert.equal(result.ended, 'interrupted');
    assert.equal(result.standings.length, 3);
    assert.ok(
      result.actors.every((a) => a.reported && a.requests === a.replies && a.mismatches === 0),
      'every child answered and said bye',
    );
    assert.equal(result.messages.requests, result.messages.replies);
  });

  it('without --json, an interrupted race prints "interrupted" and the partial standings', async () => {
    const child = spawn(process.execPath, [cli(), '--runtime', 'threads', '--penguins', '2', '--flies', '0', '--length', '100000'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let signalled = false;
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (!signalled && /Race started/.test(stdout)) {
        signalled = true;
        setTimeout(() => child.kill('SIGINT'), 300);
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (exitCode) => resolve(exitCode)));
    assert.equal(code, 0);
    assert.match(stdout, /interrupted at [\d.]+ s: partial standings/);
    assert.match(stdout, /P[01] +- +\d+\/100000/);
  });
});
