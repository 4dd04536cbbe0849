/**
 * The sandbox's own test runner (src/grader/sandbox/bdd.ts) keeps mocha's
 * meaning for what exercise tests use: the order of hooks and tests, done
 * callbacks and promises, this.timeout, skips, a failing hook, and an
 * uncaught error failing the test that is running.
 */
import assert from 'node:assert/strict';
import { createRegistry, createRunner, type TestContext } from '../../src/grader/sandbox/bdd.js';

type Api = {
  describe: (title: string, body: (this: TestContext) => void) => void;
  it: ((title: string, fn?: (this: TestContext, done: (error?: unknown) => void) => unknown) => void) & {
    skip: (title: string, fn?: () => unknown) => void;
  };
  before: (fn: () => unknown) => void;
  after: (fn: () => unknown) => void;
  beforeEach: (fn: () => unknown) => void;
  afterEach: (fn: () => unknown) => void;
};

/** Registers tests with `define`, runs them, and returns what the runner reported, in order. */
async function run(
  define: (api: Api, log: string[]) => void,
  defaultTimeoutMs = 2000,
): Promise<{ log: string[]; runner: ReturnType<typeof createRunner> }> {
  const registry = createRegistry();
  const log: string[] = [];
  define(registry.api as unknown as Api, log);
  const runner = createRunner(
    registry.root,
    {
      testStart: (test) => log.push(`start ${test.fullTitle}`),
      testEnd: (test, state, error) => log.push(`${state} ${test.fullTitle}${error ? `: ${(error as Error).message}` : ''}`),
      hookFailed: (title, error) => log.push(`hook failed ${title}: ${(error as Error).message}`),
    },
    { defaultTimeoutMs, setTimeout, clearTimeout },
  );
  await runner.run(new Set(), '');
  return { log, runner };
}

describe('grader: the sandbox test runner', () => {
  it("runs hooks and tests in mocha's order, nested suites after a suite's own tests", async () => {
    const { log } = await run(({ describe, it, before, after, beforeEach, afterEach }, log) => {
      describe('outer', () => {
        before(() => log.push('before outer'));
        beforeEach(() => log.push('beforeEach outer'));
        afterEach(() => log.push('afterEach outer'));
        after(() => log.push('after outer'));
        describe('inner', () => {
          beforeEach(() => log.push('beforeEach inner'));
          it('b', () => log.push('b'));
        });
        it('a', () => log.push('a'));
      });
    });
    assert.deepEqual(log, [
      'before outer',
      'beforeEach outer',
      'start outer a',
      'a',
      'passed outer a',
      'afterEach outer',
      'beforeEach outer',
      'beforeEach inner',
      'start outer inner b',
      'b',
      'passed outer inner b',
      'afterEach outer',
      'after outer',
    ]);
  });

  it('a promise, a done callback, a throw, a rejection and a skip each end a test as mocha does', async () => {
    const { log } = await run(({ describe, it }) => {
      describe('s', () => {
        it('async', async () => undefined);
        it('done', (done) => void setTimeout(done, 5));
        it('done with an error', (done) => void setTimeout(() => done(new Error('told')), 5));
        it('throws', () => {
          throw new Error('thrown');
        });
        it('rejects', () => Promise.reject(new Error('rejected')));
        // it.skip in the sandbox's own runner under test (not a skipped test of this suite): it must report 'pending'.
        it.skip('skipped', () => undefined);
        it('pending without a body');
        it('skips itself', function () {
          // this.skip() inside the sandbox's runner under test, too: it must report 'pending'.
          this.skip();
        });
      });
    });
    assert.deepEqual(
      log.filter((line) => !line.startsWith('start')),
      [
        'passed s async',
        'passed s done',
        'failed s done with an error: told',
        'failed s throws: thrown',
        'failed s rejects: rejected',
        'pending s skipped',
        'pending s pending without a body',
        'pending s skips itself',
      ],
    );
  });

  it('times a test out, at its own this.timeout() when it sets one', async () => {
    const { log } = await run(({ it }) => {
      it('hangs', () => new Promise(() => undefined));
      it('sets a longer limit', async function () {
        this.timeout(1000);
        await new Promise((resolve) => setTimeout(resolve, 150));
      });
    }, 100);
    assert.match(log[1], /^failed hangs: Timeout of 100ms exceeded/);
    assert.equal(log[3], 'passed sets a longer limit');
  });

  it('a failing before hook skips its suite, reported once; the next suite still runs', async () => {
    const { log } = await run(({ describe, it, before }) => {
      describe('broken', () => {
        before(() => {
          throw new Error('no setup');
        });
        it('never runs', () => undefined);
      });
      describe('fine', () => it('runs', () => undefined));
    });
    assert.deepEqual(log, ['hook failed "before all" hook in "broken": no setup', 'start fine runs', 'passed fine runs']);
  });

  it('an uncaught error fails the test that is running', async () => {
    const registry = createRegistry();
    const log: string[] = [];
    const api = registry.api as unknown as Api;
    let runner: ReturnType<typeof createRunner> | undefined;
    api.it('throws later', () => {
      setTimeout(() => runner!.failRunning(new Error('from a timer')), 5);
      return new Promise(() => undefined);
    });
    runner = createRunner(
      registry.root,
      {
        testStart: () => undefined,
        testEnd: (test, state, error) => log.push(`${state} ${test.title}: ${(error as Error)?.message}`),
        hookFailed: () => undefined,
      },
      { defaultTimeoutMs: 2000, setTimeout, clearTimeout },
    );
    await runner.run(new Set(), '');
    assert.deepEqual(log, ['failed throws later: from a timer']);
    assert.equal(runner.failRunning(new Error('nothing running')), false);
  });

  it('tests it is told to refuse are failed with the reason, never run', async () => {
    const registry = createRegistry();
    const api = registry.api as unknown as Api;
    let ran = false;
    api.it('twice', () => {
      ran = true;
    });
    const log: string[] = [];
    const runner = createRunner(
      registry.root,
      {
        testStart: () => undefined,
        testEnd: (test, state, error) => log.push(`${state}: ${(error as Error)?.message}`),
        hookFailed: () => undefined,
      },
      { defaultTimeoutMs: 2000, setTimeout, clearTimeout },
    );
    await runner.run(new Set(registry.tests()), 'registered twice');
    assert.deepEqual(log, ['failed: registered twice']);
    assert.equal(ran, false);
  });

  it('registration ends when the test file has loaded: a test added while tests run is refused', async () => {
    const registry = createRegistry();
    const api = registry.api as unknown as Api;
    let refusal = '';
    api.it('adds a test', () => {
      try {
        api.it('a passing look-alike', () => undefined);
      } catch (error) {
        refusal = (error as Error).message;
      }
    });
    registry.close();
    const runner = createRunner(
      registry.root,
      { testStart: () => undefined, testEnd: () => undefined, hookFailed: () => undefined },
      { defaultTimeoutMs: 2000, setTimeout, clearTimeout },
    );
    await runner.run(new Set(), '');
    assert.equal(refusal, 'it() can be called only while the test file loads');
    assert.equal(registry.tests().length, 1);
  });
});
