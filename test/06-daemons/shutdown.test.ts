import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { ShutdownCoordinator } from '../../src/06-daemons/shutdown.js';

const childScript = fileURLToPath(new URL('../fixtures/06-daemons/shutdown-child.mjs', import.meta.url));

/**
 * Starts the fixture, waits for "ready", sends the signals, returns its output and exit code.
 * A signal given with a pattern is sent once the output matches it: that is how the
 * test knows the program has handled the signal before.
 */
async function signalChild(
  signals: (NodeJS.Signals | [NodeJS.Signals, RegExp])[],
  mode = '',
): Promise<{ out: string; code: number | null }> {
  const child = spawn(process.execPath, [childScript, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8');
  const exited = once(child, 'exit');
  const waiting: { pattern: RegExp; resolve: () => void }[] = [];
  const outputMatches = (pattern: RegExp) =>
    new Promise<void>((resolve, reject) => {
      if (pattern.test(out)) return resolve();
      waiting.push({ pattern, resolve });
      void exited.then(([code]) => reject(new Error(`the program exited with ${code} before printing ${pattern}:\n${out}`)));
    });
  child.stdout.on('data', (chunk: string) => {
    out += chunk;
    for (const wait of waiting) if (wait.pattern.test(out)) wait.resolve();
  });
  const guard = setTimeout(() => child.kill('SIGKILL'), 10_000); // a program that never exits is ended here (code null)
  try {
    await outputMatches(/ready/);
    for (const step of signals) {
      const [signal, after] = typeof step === 'string' ? [step, undefined] : step;
      if (after) await outputMatches(after);
      child.kill(signal);
    }
    const [code] = await exited;
    return { out, code };
  } finally {
    clearTimeout(guard);
    child.kill('SIGKILL');
  }
}

describe('ShutdownCoordinator', () => {
  it('runs every handler once, in order; a failing one is reported and the next still runs', async () => {
    const order: string[] = [];
    const coordinator = new ShutdownCoordinator()
      .register('sensors', () => void order.push('sensors'))
      .register('queue', () => {
        order.push('queue');
        throw new Error('queue was already closed');
      })
      .register('pool', async () => void order.push('pool'));
    const [first, second] = await Promise.all([coordinator.shutdown('test'), coordinator.shutdown('again')]);
    assert.equal(first, second, 'one shutdown, one report');
    assert.deepEqual(order, ['sensors', 'queue', 'pool']);
    assert.equal(first.clean, false);
    assert.deepEqual(
      first.steps.map((s) => [s.name, s.ok, s.error]),
      [
        ['sensors', true, undefined],
        ['queue', false, 'queue was already closed'],
        ['pool', true, undefined],
      ],
    );
    assert.throws(() => coordinator.register('late', () => {}), /shutdown has already begun/);
  });

  it('keeps to its deadline: a handler that hangs is reported as timed out, and the ones after it get no time', async function () {
    this.timeout(5000); // a coordinator without a deadline would hang here
    let afterRan = false;
    const coordinator = new ShutdownCoordinator({ deadlineMs: 100 })
      .register('hangs', () => new Promise(() => {}))
      .register('after', () => void (afterRan = true));
    const report = await coordinator.shutdown();
    assert.deepEqual(
      report.steps.map((s) => [s.name, s.ok, s.error]),
      [
        ['hangs', false, 'timed out after 100 ms'],
        ['after', false, 'timed out (no time left)'],
      ],
    );
    assert.equal(afterRan, false);
    assert.equal(report.clean, false);
    // A timer never fires early (give or take the clocks' rounding): the deadline was waited for.
    assert.ok(report.ms >= 99, `gave up after ${report.ms} ms, before its 100 ms deadline`);
  });

  it('on SIGINT a program stops its daemon, runs the handlers in order and exits 0', async () => {
    const { out, code } = await signalChild(['SIGINT']);
    assert.equal(code, 0, out);
    assert.match(out, /saver stopped after some ticks\nflushed\ngoodbye\nreport SIGINT clean=true/);
  });

  it('on SIGTERM with a handler past the deadline it exits 1 by itself, reporting the timeout', async () => {
    // Had the deadline not ended the hanging handler, the program would not exit and the guard would kill it (code null).
    const { out, code } = await signalChild(['SIGTERM'], 'slow');
    assert.equal(code, 1, out);
    assert.match(
      out,
      /saver stopped after some ticks\nreport SIGTERM clean=false stop the saver:ok, flush:timed out after 500 ms, say goodbye:timed out \(no time left\)\n$/,
    );
  });

  it('a second Ctrl-C, while the handlers run, exits at once with 130', async () => {
    // The second SIGINT goes once the first handler has printed: the shutdown has begun.
    const { out, code } = await signalChild(['SIGINT', ['SIGINT', /saver stopped/]], 'slow');
    assert.equal(code, 130, out);
    assert.doesNotMatch(out, /report/, 'the shutdown did not run to its end');
  });

  it('names the parameter on bad input', () => {
    assert.throws(() => new ShutdownCoordinator({ deadlineMs: -1 }), /deadlineMs must be a number of milliseconds > 0/);
    assert.throws(() => new ShutdownCoordinator().register('', () => {}), /name must be a non-empty string/);
    assert.throws(() => new ShutdownCoordinator().register('x', 5 as unknown as () => void), /handler must be a function/);
  });
});
