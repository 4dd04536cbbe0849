import assert from 'node:assert/strict';
import {
  compareLockFairness,
  jainIndex,
  lockFairnessChart,
  measureLockFairness,
} from '../../src/07-deadlock-and-starvation/lock-fairness.js';
import {
  eventLoopStarvationChart,
  measureEventLoopStarvation,
  runStarvationLab,
} from '../../src/07-deadlock-and-starvation/starvation-lab.js';

describe('starvation lab: the event loop', () => {
  it('a CPU loop, nextTick and microtask chains and an await loop hold the timer and I/O back until they end', async () => {
    const busyMs = 150;
    const started = performance.now();
    const rows = await measureEventLoopStarvation({
      busyMs,
      timerMs: 5,
      scenarios: ['cpu-loop', 'nextTick-chain', 'microtask-chain', 'await-loop'],
    });
    assert.ok(performance.now() - started < 4 * busyMs + 2000, 'the lab ends by itself');
    assert.deepEqual(
      rows.map((row) => row.scenario),
      ['cpu-loop', 'nextTick-chain', 'microtask-chain', 'await-loop'],
    );
    for (const row of rows) {
      // The timer was due after 5 ms but could only run once the busy spell was over.
      assert.equal(row.expectedTimerMs, 5);
      assert.ok(row.observedTimerMs >= busyMs, `${row.scenario}: the timer ran at ${row.observedTimerMs} ms`);
      assert.ok(row.timerLateMs > 0);
      assert.ok(row.ioCallbackMs >= busyMs, `${row.scenario}: the I/O callback ran at ${row.ioCallbackMs} ms`);
      assert.ok(row.lagMaxMs >= busyMs / 2, `${row.scenario}: lag max ${row.lagMaxMs} ms`);
      assert.ok(row.steps > 0);
    }
  });

  it('a setImmediate chain lets the timer run while it goes on; the baseline does nothing', async () => {
    const rows = await measureEventLoopStarvation({ busyMs: 400, timerMs: 5, scenarios: ['setImmediate-chain', 'baseline'] });
    const [chain, baseline] = rows;
    assert.ok(chain.observedTimerMs < 400, `the timer ran at ${chain.observedTimerMs} ms, inside the chain`);
    assert.ok(chain.steps > 1);
    assert.equal(baseline.steps, 0);
    const chart = eventLoopStarvationChart(rows);
    assert.deepEqual(chart.data.labels, ['setImmediate-chain', 'baseline']);
  });

  it('rejects bad inputs with named errors', async () => {
    await assert.rejects(measureEventLoopStarvation({ busyMs: 0 }), /busyMs must be a positive integer, got 0/);
    await assert.rejects(measureEventLoopStarvation({ busyMs: 60_000 }), /busyMs must be at most 5000/);
    await assert.rejects(measureEventLoopStarvation({ timerMs: 1.5 }), /timerMs must be a positive integer/);
    await assert.rejects(measureEventLoopStarvation({ scenarios: ['spin' as never] }), /scenarios\[0\] must be one of 'baseline'/);
    await assert.rejects(measureEventLoopStarvation({ scenarios: [] }), /scenarios must be a non-empty array/);
  });
});

describe('starvation lab: unfair and fair locks', () => {
  it("counts every worker's acquisitions for each lock, within the bound, leaving no worker behind", async () => {
    const results = await compareLockFairness({ workers: 3, durationMs: 200 });
    assert.deepEqual(
      results.map((result) => result.kind),
      ['test-and-set', 'ticket'],
    );
    for (const result of results) {
      assert.equal(result.acquisitionsPerWorker.length, 3);
      assert.equal(
        result.total,
        result.acquisitionsPerWorker.reduce((a, b) => a + b, 0),
      );
      assert.ok(result.total > 0, `${result.kind}: nobody got the lock`);
      assert.ok(result.jainIndex > 0 && result.jainIndex <= 1);
      assert.ok(result.minOverMax >= 0 && result.minOverMax <= 1);
    }
    const chart = lockFairnessChart(results);
    assert.equal(chart.data.datasets.length, 2);
    assert.deepEqual(chart.data.labels, ['worker-0', 'worker-1', 'worker-2']);
  });

  it("Jain's index: 1 for equal shares, 1/n when one worker gets everything", () => {
    assert.equal(jainIndex([5, 5, 5, 5]), 1);
    assert.equal(jainIndex([8, 0, 0, 0]), 0.25);
    assert.equal(jainIndex([0, 0]), 1);
  });

  it('runStarvationLab runs both parts', async () => {
    const lab = await runStarvationLab({
      eventLoop: { busyMs: 50, scenarios: ['cpu-loop'] },
      locks: { workers: 2, durationMs: 100 },
      lockKinds: ['ticket'],
    });
    assert.equal(lab.eventLoop.length, 1);
    assert.ok(lab.eventLoop[0].observedTimerMs >= 50);
    assert.deepEqual(
      lab.locks.map((result) => result.kind),
      ['ticket'],
    );
  });

  it('rejects bad inputs with named errors', async () => {
    await assert.rejects(measureLockFairness('spin' as never), /kind must be one of 'test-and-set', 'ticket', 'lock', got "spin"/);
    await assert.rejects(measureLockFairness('ticket', { workers: 0 }), /workers must be a positive integer, got 0/);
    await assert.rejects(measureLockFairness('ticket', { holdMicros: -1 }), /holdMicros must be an integer >= 0/);
    await assert.rejects(compareLockFairness({}, ['ticket', 'x' as never]), /kinds\[1\] must be one of/);
    assert.throws(() => lockFairnessChart([], 'pie' as never), /show must be one of 'count', 'share'/);
  });
});
