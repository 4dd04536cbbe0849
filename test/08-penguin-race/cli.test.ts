import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { compiledEntry } from '../../src/paths.js';
import { parseMsRange, parseRaceArguments } from '../../src/08-penguin-race/cli-arguments.js';
import type { RaceResult } from '../../src/08-penguin-race/results.js';
import { assertUsageError, runCli as runProgram } from '../tools/run-cli.js';

const cli = (): string => compiledEntry('08-penguin-race/cli.ts');
const runCli = (args: string[]) => runProgram(cli(), args, { timeoutMs: 15_000 });

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
    assert.deepEqual(parseRaceArguments(['-h']).help, true);
    assert.throws(
      () => parseRaceArguments(['--runtime', 'fibers']),
      /^UsageError: --runtime must be one of async, threads, processes, net, got "fibers"/,
    );
    assert.throws(() => parseRaceArguments(['--penguins']), /--penguins needs a value/);
    assert.throws(() => parseRaceArguments(['--penguins', '--json']), /^UsageError: --penguins needs a value$/);
    assert.throws(() => parseRaceArguments(['--seed', '-1']), /^UsageError: --seed must be a whole number, got "-1"$/);
    assert.throws(() => parseRaceArguments(['--json=yes']), /^UsageError: --json takes no value, got "yes"$/);
    assert.throws(() => parseRaceArguments(['--penguins', 'two']), /--penguins must be a whole number, got "two"/);
    assert.throws(() => parseRaceArguments(['--latency', '9-2']), /--latency: the range must go from low to high/);
    assert.throws(() => parseRaceArguments(['--speed', '3']), /unknown option --speed/);
  });

  it("the seed's rules unless an extra rule is named: --deny-rate, --refuse-stale, --homing-flies", () => {
    assert.deepEqual(parseRaceArguments([]).options, {});
    const command = parseRaceArguments(['--deny-rate', '0.1', '--refuse-stale', '--homing-flies']);
    assert.deepEqual(command.options, { denyRate: 0.1, refuseStale: true, homingFlies: true });
    assert.throws(
      () => parseRaceArguments(['--deny-rate', '1.5']),
      /^UsageError: --deny-rate must be a probability from 0 to 1, like 0.1, got "1.5"$/,
    );
  });

  it('exits with 2 and one line on stderr for a bad option', async () => {
    for (const [args, message] of [
      [['--penguins', '0'], /^race: --penguins must be an integer from 1 to 1000000, got 0 \(--help shows the options\)$/],
      [['--runtime', 'fibers'], /^race: --runtime must be one of/],
      [['--latency', 'fast'], /^race: --latency must be milliseconds like 5-20/],
      [['positional'], /^race: unexpected argument "positional"/],
      [['--speed', '3'], /^race: unknown option --speed \(--help shows the options\)$/],
      [['--flies'], /^race: --flies needs a value/],
    ] as Array<[string[], RegExp]>) {
      assertUsageError(await runCli(args), message);
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
    assert.match(plain.stdout, /^Starting the race \(Ctrl-C stops it\)\.\.\.\nRace started: 3 penguins, 1 flies, track 10, async runtime/);
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
      assert.match(
        stderr,
        /^Starting the race \(Ctrl-C stops it\)\.\.\.\nRace started: 3 penguins, 1 flies, track 100000, processes runtime/,
      );
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

  it('Ctrl-C during start-up (the whole process group, as a terminal sends it): the start-up stops, standings, exit 0', async () => {
    // detached: a process group of its own, so the signal reaches the race and its children, as a terminal's Ctrl-C does.
    const child = spawn(process.execPath, [cli(), '--runtime', 'processes', '--penguins', '24', '--flies', '4', '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const guard = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 20_000);
    try {
      await new Promise<void>((resolve) =>
        child.stderr.on('data', (chunk) => {
          stderr += chunk;
          if (/Starting the race/.test(stderr)) resolve();
        }),
      );
      process.kill(-child.pid!, 'SIGINT'); // the children are still starting
      assert.equal(await exited, 0, stderr);
    } finally {
      clearTimeout(guard);
    }
    assert.doesNotMatch(stderr, /Race started/, 'the signal came during start-up');
    const result = JSON.parse(stdout) as RaceResult;
    assert.equal(result.ended, 'interrupted');
    assert.equal(result.standings.length, 24);
  });

  it('without --json, an interrupted race prints "interrupted" and the partial standings', async () => {
    const child = spawn(process.execPath, [cli(), '--runtime', 'threads', '--penguins', '2', '--flies', '0', '--length', '100000'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let signaled = false;
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (!signaled && /Race started/.test(stdout)) {
        signaled = true;
        setTimeout(() => child.kill('SIGINT'), 300);
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (exitCode) => resolve(exitCode)));
    assert.equal(code, 0);
    assert.match(stdout, /interrupted at [\d.]+ s: partial standings/);
    assert.match(stdout, /P[01] +- +\d+\/100000/);
  });
});
