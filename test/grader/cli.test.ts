/**
 * The grader's command lines (npm run grade, learn, exercises:generate,
 * release): a bad one is refused before anything runs, in one line naming the
 * parameter and what was expected, with exit code 2.
 */
import assert from 'node:assert/strict';
import { compiledEntry } from '../../src/paths.js';
import { assertUsageError, runCli } from '../tools/run-cli.js';
import { fixtureCourseRoot } from './helpers.js';

describe('grader: the command lines', () => {
  const refusals: Array<[string, string[], RegExp]> = [
    ['grade', ['--jobs', 'x'], /^error: --jobs must be a whole number above 0, got "x"$/],
    ['grade', ['--tests', 'hidden'], /^error: --tests must be solutions or exercises, got "hidden"$/],
    ['grade', ['a', 'b'], /^error: one folder only \(got "a" and "b"\); usage: npm run grade -- /],
    ['grade', ['--verbos'], /^error: unknown option --verbos; usage: npm run grade -- /],
    ['grade', ['--unsafe-no-sandbox', '--self-check'], /^error: --unsafe-no-sandbox and --self-check cannot go together$/],
    ['learn', ['--progress'], /^error: --progress needs a value$/],
    ['learn', ['--list=all'], /^error: --list takes no value, got "all"$/],
    ['learn', ['sum-list'], /^error: unexpected argument "sum-list"; usage: npm run learn -- /],
    ['generate', ['--exercise'], /^error: --exercise needs a value$/],
    ['generate', ['--chek'], /^error: unknown option --chek; usage: npm run exercises:generate -- /],
    ['release', [], /^error: expected one output folder, got none; usage: npm run release -- /],
    ['release', ['out', '--root'], /^error: --root needs a value$/],
  ];
  for (const [program, args, message] of refusals) {
    it(`${program} ${args.join(' ') || '(no arguments)'}: one line, exit code 2`, async () => {
      assertUsageError(await runCli(compiledEntry(`grader/cli/${program}.ts`), ['--root', fixtureCourseRoot, ...args]), message);
    });
  }
  for (const program of ['grade', 'learn', 'generate', 'release']) {
    it(`${program} --help: prints its usage on stdout, exit code 0, does nothing else`, async () => {
      const run = await runCli(compiledEntry(`grader/cli/${program}.ts`), ['--root', fixtureCourseRoot, '--help']);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stderr, '');
      assert.match(run.stdout, /^usage: npm run /);
    });
  }
});
