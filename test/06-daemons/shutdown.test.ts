import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { ShutdownCoordinator } from '../../src/06-daemons/shutdown.js';

const childScript = fileURLToPath(new URL('../fixtures/06-daemons/shutdown-child.mjs', import.meta.url));

/** Starts the fixture, waits for "ready", sends the signals, returns its output and exit code. */
async function signalChild(signals: NodeJS.Signals[], mode = ''): Promise<{ out: string; code: number | null; ms: number }> {
  const child = spawn(process.execPath, [childScript, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8');
  const exited = once(child, 'exit');
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      if (out.includes('ready')) resolve();
    });
    void exited.then(([code]) => reject(new Error(`the program exited with ${code} before it was ready:\n${out}`)));
  });
  const guard = setTimeout(() => child.kill('SIGKILL'), 10_000);
  try {
    await ready;
    const sent = performance.now();
    for (const [index, signal] of signals.entries()) {
      // Two signals sent at once merge into one (the kernel does not queue them): space them.
      if (index > 0) await new Promise((resolve) => setTimeout(resolve, 150));
      child.kill(signal);
    }
    const [code] = await exited;
    return { out, code, ms: performance.now() - sent };
  } finally {
    clearTimeout(guard);
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

  it('keeps to its deadline: a handler that hangs is reported as timed out', async () => {
    const coordinator = new ShutdownCoordinator({ deadlineMs: 100 })
      .register('hangs', () => new Promise(() => {}))
      .register('after', () => {});
    const report = await coordinator.shutdown();
    assert.ok(report.ms < 1000, `took ${report.ms} ms`);
    assert.match(report.steps[0].error ?? '', /^timed out after \d+ ms/);
    assert.equal(report.steps[1].error, 'timed out (no time left)');
  });

  it('on SIGINT a program stops its daemon, runs the handlers in order and exits 0', async () => {
    const { out, code } = await signalChild(['SIGINT']);
    assert.equal(code, 0, out);
    assert.match(out, /saver stopped after some ticks\nflushed\ngoodbye\nreport SIGINT clean=true/);
  });

  it('on SIGTERM with a handler past the deadline it exits 1 within the deadline', async () => {
    const { out, code, ms } = await signalChild(['SIGTERM'], 'slow');
    assert.equal(code, 1, out);
    assert.match(out, /flush:timed out after \d+ ms, say goodbye:timed out \(no time left\)/);
    assert.ok(ms < 5000, `exited ${ms} ms after the signal`);
  });

  it('a second Ctrl-C exits at once with 130', async () => {
    const { code } = await signalChild(['SIGINT', 'SIGINT'], 'slow');
    assert.equal(code, 130);
  });

  it('names the parameter on bad input', () => {
    assert.throws(() => new ShutdownCoordinator({ deadlineMs: -1 }), /deadlineMs must be a number of milliseconds > 0/);
    assert.throws(() => new ShutdownCoordinator().register('', () => {}), /name must be a non-empty string/);
    assert.throws(() => new ShutdownCoordinator().register('x', 5 as unknown as () => void), /handler must be a function/);
  });
});
