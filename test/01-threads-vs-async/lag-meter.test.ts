import assert from 'node:assert/strict';
import { LagMeter, measureLag } from '../../src/01-threads-vs-async/lag-meter.js';
import { sleep } from '../../src/01-threads-vs-async/async-tools.js';

function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe('LagMeter', () => {
  it('sees a CPU block on the event loop, and little lag while it only waits', async () => {
    const idle = await measureLag(() => sleep(150));
    const blocked = await measureLag(async () => {
      await sleep(20);
      busy(200);
      await sleep(20);
    });
    assert.ok(blocked.lag.max >= 150, `a 200 ms block shows as max lag >= 150 ms, got ${blocked.lag.max}`);
    assert.ok(idle.lag.max < blocked.lag.max, `idle max ${idle.lag.max} < blocked max ${blocked.lag.max}`);
    assert.ok(blocked.lag.samples > 0);
  });

  it('sees a block that starts at once, before any await in the work', async () => {
    const { lag } = await measureLag(() => busy(150));
    assert.ok(lag.max >= 100, `max lag ${lag.max}`);
  });

  it('reports the delay only, not the sampling resolution: an idle loop shows little lag', async () => {
    const { lag } = await measureLag(() => sleep(100), { resolutionMs: 20 });
    assert.ok(lag.min < 5, `min lag of an idle loop ${lag.min} ms (the resolution is 20 ms)`);
  });

  it('returns the work result and stops also when the work throws', async () => {
    assert.equal((await measureLag(() => 7)).result, 7);
    await assert.rejects(
      measureLag(() => {
        throw new Error('work failed');
      }),
      /work failed/,
    );
  });

  it('checks its life cycle and its resolution', () => {
    assert.throws(() => new LagMeter().read(), /call start\(\) first/);
    assert.throws(() => new LagMeter().stop(), /not running/);
    assert.throws(() => new LagMeter({ resolutionMs: 0 }), /resolutionMs must be a positive integer, got 0/);
    const meter = new LagMeter().start();
    assert.throws(() => meter.start(), /already running/);
    const stats = meter.stop();
    assert.equal(meter.running, false);
    assert.ok(stats.durationMs >= 0);
  });
});
