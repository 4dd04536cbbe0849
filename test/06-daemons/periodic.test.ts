import assert from 'node:assert/strict';
import { sleep } from '../../src/01-threads-vs-async/async-tools.js';
import { periodic } from '../../src/06-daemons/periodic.js';

describe('periodic daemon', () => {
  it('runs at its interval until stopped, first run after one interval (or at once with immediate)', async () => {
    const times: number[] = [];
    const start = performance.now();
    const daemon = periodic(() => void times.push(performance.now() - start), { intervalMs: 30 });
    const eager = periodic(() => {}, { intervalMs: 30, immediate: true });
    await sleep(170);
    await Promise.all([daemon.stop(), eager.stop()]);
    assert.ok(times.length >= 3 && times.length <= 6, `about 5 runs in 170 ms, got ${times.length}`);
    assert.ok(times[0] >= 29, `first run after one interval, at ${times[0]}`);
    assert.equal(eager.runs, daemon.runs + 1, 'immediate adds the run at time 0');
    assert.equal(daemon.running, false);
    const runs = daemon.runs;
    await sleep(70);
    assert.equal(daemon.runs, runs, 'no run after stop');
  });

  it('never overlaps its runs and skips the ticks a slow run missed', async () => {
    let inFlight = 0;
    let most = 0;
    const daemon = periodic(
      async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await sleep(55);
        inFlight -= 1;
      },
      { intervalMs: 20 },
    );
    await sleep(250);
    await daemon.stop();
    assert.equal(most, 1);
    assert.ok(daemon.skipped >= 3, `ticks skipped: ${daemon.skipped}`);
  });

  it('stop() waits for the run in progress to finish', async () => {
    let finished = false;
    const daemon = periodic(
      async () => {
        await sleep(80);
        finished = true;
      },
      { intervalMs: 10, immediate: true },
    );
    await sleep(20);
    await daemon.stop();
    assert.equal(finished, true);
  });

  it('stops when its signal aborts', async () => {
    const controller = new AbortController();
    const daemon = periodic(() => {}, { intervalMs: 10, signal: controller.signal });
    controller.abort();
    await daemon.done;
    assert.equal(daemon.running, false);
    assert.equal(daemon.error, undefined);
  });

  it('a throwing run stops it with the error kept, unless onError keeps it going', async () => {
    const failing = periodic(
      () => {
        throw new Error('disk full');
      },
      { intervalMs: 10, immediate: true },
    );
    await failing.done;
    assert.match(String(failing.error), /disk full/);
    const errors: unknown[] = [];
    let calls = 0;
    const resilient = periodic(
      () => {
        calls += 1;
        if (calls === 1) throw new Error('once');
      },
      { intervalMs: 10, immediate: true, onError: (error) => void errors.push(error) },
    );
    await sleep(60);
    await resilient.stop();
    assert.equal(errors.length, 1);
    assert.ok(resilient.runs >= 2);
  });

  it('names the parameter on bad input', () => {
    assert.throws(() => periodic(() => {}, { intervalMs: 0 }), /^RangeError: intervalMs must be a number of milliseconds > 0/);
    assert.throws(() => periodic(() => {}, { intervalMs: -5 }), /intervalMs must be/);
    assert.throws(() => periodic('tick' as unknown as () => void, { intervalMs: 5 }), /work must be a function/);
    assert.throws(() => periodic(() => {}, { intervalMs: 5, signal: {} as AbortSignal }), /signal must be an AbortSignal/);
  });
});
