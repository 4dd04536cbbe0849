/**
 * The test API the grader's sandbox gives a test file: mocha's BDD interface
 * (`describe`, `it`, `before`, `after`, `beforeEach`, `afterEach`, `.skip`,
 * `this.timeout(ms)`, `this.skip()`, a `done` callback or a promise) and a
 * runner with mocha's order: a suite's `before` hooks, then for each of its
 * tests the `beforeEach` hooks (outer first), the test, the `afterEach` hooks
 * (inner first), then its nested suites, then its `after` hooks.
 *
 * Why not mocha itself: in the sandbox the code under test shares the realm
 * with the runner, and mocha's objects (runner, suites, runnables, hook
 * contexts with `this.currentTest`) are reachable and writable from there.
 * Here every piece of state lives in closures: a test function gets a context
 * that holds only `timeout` and `skip`, and what the runner reports cannot be
 * reached from the code under test.
 */

export type TestFunction = (this: TestContext, done: (error?: unknown) => void) => unknown;

export interface TestContext {
  /** Sets this test's (or hook's) time limit in ms; 0 for none. Returns the limit when called without one. */
  timeout(ms?: number): number | TestContext;
  /** Marks the test as pending and stops it. */
  skip(): never;
}

interface Hooks {
  before: TestFunction[];
  after: TestFunction[];
  beforeEach: TestFunction[];
  afterEach: TestFunction[];
}

interface Suite {
  title: string;
  fullTitle: string;
  parent: Suite | undefined;
  pending: boolean;
  timeoutMs: number | undefined;
  tests: Test[];
  suites: Suite[];
  hooks: Hooks;
}

export interface Test {
  title: string;
  fullTitle: string;
  suite: Suite;
  fn: TestFunction | undefined;
  pending: boolean;
}

/** What the runner tells its reporter. */
export interface RunListener {
  testStart(test: Test): void;
  testEnd(test: Test, state: 'passed' | 'failed' | 'pending', error?: unknown): void;
  hookFailed(title: string, error: unknown): void;
}

export interface RunOptions {
  /** Time limit of a test or hook that sets none (ms). */
  defaultTimeoutMs: number;
  setTimeout: typeof globalThis.setTimeout;
  clearTimeout: typeof globalThis.clearTimeout;
}

class Pending extends Error {}

function joinTitle(parent: Suite | undefined, title: string): string {
  return parent && parent.fullTitle ? `${parent.fullTitle} ${title}` : title;
}

function newSuite(title: string, parent: Suite | undefined, pending: boolean): Suite {
  return {
    title,
    fullTitle: joinTitle(parent, title),
    parent,
    pending: pending || (parent?.pending ?? false),
    timeoutMs: undefined,
    tests: [],
    suites: [],
    hooks: { before: [], after: [], beforeEach: [], afterEach: [] },
  };
}

/**
 * A fresh registry: the functions a test file calls (`api`, to be installed
 * as globals) and the root suite they fill.
 */
export function createRegistry(): { api: Record<string, unknown>; root: Suite; tests(): Test[]; close(): void } {
  const root = newSuite('', undefined, false);
  let current = root;
  let closed = false;
  const all: Test[] = [];
  const open = (what: string) => {
    if (closed) throw new Error(`${what}() can be called only while the test file loads`);
  };

  const describeWith = (pending: boolean) =>
    function describe(title: string, body?: (this: TestContext) => void): void {
      open('describe');
      if (typeof title !== 'string') throw new TypeError(`describe() needs a title (a string), got ${typeof title}`);
      const suite = newSuite(title, current, pending);
      current.suites.push(suite);
      const outer = current;
      current = suite;
      try {
        body?.call(suiteContext(suite));
      } finally {
        current = outer;
      }
    };
  const itWith = (pending: boolean) =>
    function it(title: string, fn?: TestFunction): void {
      open('it');
      if (typeof title !== 'string') throw new TypeError(`it() needs a title (a string), got ${typeof title}`);
      const test: Test = {
        title,
        fullTitle: joinTitle(current, title),
        suite: current,
        fn,
        pending: pending || current.pending || fn === undefined,
      };
      current.tests.push(test);
      all.push(test);
    };
  const hook = (kind: keyof Hooks) =>
    function registerHook(titleOrFn: string | TestFunction, fn?: TestFunction): void {
      open(kind);
      const body = typeof titleOrFn === 'function' ? titleOrFn : fn;
      if (typeof body !== 'function') throw new TypeError(`${kind}() needs a function`);
      current.hooks[kind].push(body);
    };

  const describe = Object.assign(describeWith(false), { skip: describeWith(true) });
  const it = Object.assign(itWith(false), { skip: itWith(true) });
  const api = {
    describe,
    context: describe,
    xdescribe: describe.skip,
    it,
    specify: it,
    xit: it.skip,
    before: hook('before'),
    after: hook('after'),
    beforeEach: hook('beforeEach'),
    afterEach: hook('afterEach'),
  };
  for (const fn of Object.values(api)) Object.freeze(fn);
  return {
    api: Object.freeze(api),
    root,
    tests: () => [...all],
    /** Registration ends once the test file has loaded: a test added while tests run would not be in the checks. */
    close: () => {
      closed = true;
    },
  };
}

/** `this` inside a describe body: `this.timeout(ms)` sets the suite's default. */
function suiteContext(suite: Suite): TestContext {
  return Object.freeze({
    timeout(ms?: number) {
      if (ms === undefined) return suite.timeoutMs ?? 0;
      suite.timeoutMs = ms;
      return this;
    },
    skip(): never {
      suite.pending = true;
      throw new Pending('skipped');
    },
  });
}

function suiteTimeout(suite: Suite | undefined, fallback: number): number {
  for (let at = suite; at; at = at.parent) if (at.timeoutMs !== undefined) return at.timeoutMs;
  return fallback;
}

/** Whether a suite or any suite inside it has a test that will run. */
function hasRunnableTests(suite: Suite, skip: Set<Test>): boolean {
  return suite.tests.some((test) => !test.pending && !skip.has(test)) || suite.suites.some((inner) => hasRunnableTests(inner, skip));
}

/**
 * Runs every test under `root`. Tests in `refused` are not run (reported as
 * failed with `refusedReason`). `fail` is where the caller routes uncaught
 * errors: they fail whatever is running.
 */
export function createRunner(root: Suite, listener: RunListener, options: RunOptions) {
  let failRunning: ((error: unknown) => void) | undefined;

  /** Runs one test or hook function within its time limit. */
  function runFunction(fn: TestFunction, timeoutMs: number, what: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      let limit = timeoutMs;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const finish = (error?: unknown) => {
        if (settled) return;
        settled = true;
        if (timer !== undefined) options.clearTimeout(timer);
        failRunning = undefined;
        if (error === undefined) resolve();
        else reject(error);
      };
      const arm = () => {
        if (timer !== undefined) options.clearTimeout(timer);
        timer = limit > 0 ? options.setTimeout(() => finish(new Error(`Timeout of ${limit}ms exceeded (${what})`)), limit) : undefined;
      };
      const context: TestContext = Object.freeze({
        timeout(ms?: number) {
          if (ms === undefined) return limit;
          limit = ms;
          arm();
          return context;
        },
        skip(): never {
          throw new Pending('skipped');
        },
      });
      failRunning = (error) => finish(error ?? new Error('an error was thrown (with no value)'));
      arm();
      try {
        if (fn.length > 0) {
          fn.call(context, (error?: unknown) => finish(error === undefined || error === null ? undefined : error));
        } else {
          const returned = fn.call(context, () => undefined) as { then?: unknown } | undefined;
          if (returned !== null && typeof returned === 'object' && typeof returned.then === 'function') {
            (returned as PromiseLike<unknown>).then(
              () => finish(),
              (error: unknown) => finish(error ?? new Error('the promise was rejected with no reason')),
            );
          } else finish();
        }
      } catch (error) {
        finish(error ?? new Error('an error was thrown (with no value)'));
      }
    });
  }

  async function runHooks(suite: Suite, kind: keyof Hooks, label: string): Promise<boolean> {
    for (const fn of suite.hooks[kind]) {
      try {
        await runFunction(fn, suiteTimeout(suite, options.defaultTimeoutMs), label);
      } catch (error) {
        listener.hookFailed(suite.fullTitle ? `${label} in "${suite.fullTitle}"` : label, error);
        return false;
      }
    }
    return true;
  }

  /** beforeEach hooks from the outermost suite in; afterEach from the innermost out. */
  function chain(suite: Suite): Suite[] {
    const suites: Suite[] = [];
    for (let at: Suite | undefined = suite; at; at = at.parent) suites.unshift(at);
    return suites;
  }

  async function runTest(test: Test): Promise<boolean> {
    for (const suite of chain(test.suite)) {
      if (!(await runHooks(suite, 'beforeEach', `"before each" hook for "${test.title}"`))) return false;
    }
    listener.testStart(test);
    try {
      await runFunction(test.fn!, suiteTimeout(test.suite, options.defaultTimeoutMs), test.fullTitle);
      listener.testEnd(test, 'passed');
    } catch (error) {
      if (error instanceof Pending) listener.testEnd(test, 'pending');
      else listener.testEnd(test, 'failed', error);
    }
    for (const suite of chain(test.suite).reverse()) {
      if (!(await runHooks(suite, 'afterEach', `"after each" hook for "${test.title}"`))) return false;
    }
    return true;
  }

  async function runSuite(suite: Suite, refused: Set<Test>, refusedReason: string): Promise<void> {
    for (const test of suite.tests) if (refused.has(test)) listener.testEnd(test, 'failed', new Error(refusedReason));
    if (!hasRunnableTests(suite, refused)) {
      for (const test of allTests(suite)) if (test.pending && !refused.has(test)) listener.testEnd(test, 'pending');
      return;
    }
    if (!(await runHooks(suite, 'before', '"before all" hook'))) return;
    let go = true;
    for (const test of suite.tests) {
      if (!go || refused.has(test)) continue;
      if (test.pending) {
        listener.testEnd(test, 'pending');
        continue;
      }
      go = await runTest(test);
    }
    if (go) for (const inner of suite.suites) await runSuite(inner, refused, refusedReason);
    await runHooks(suite, 'after', '"after all" hook');
  }

  return {
    run: (refused: Set<Test>, refusedReason: string) => runSuite(root, refused, refusedReason),
    /** An uncaught error: it fails the test or hook that is running (false when nothing is). */
    failRunning(error: unknown): boolean {
      if (!failRunning) return false;
      failRunning(error);
      return true;
    },
  };
}

export function allTests(suite: Suite): Test[] {
  return [...suite.tests, ...suite.suites.flatMap(allTests)];
}
