import assert from 'node:assert/strict';
import type { RunningRedis } from '../../src/engine/redis/index.js';
import { startCluster, type Client } from '../../src/10-beyond-one-machine/index.js';
import { median } from '../../src/engine/median.js';
import { defaultTaskCount, measureDistributionCost } from '../../src/10-beyond-one-machine/distribution-cost.js';
import { envWithoutMarker, startTestRedis } from '../harness/test-redis.js';

describe('10 distribution cost: the cluster against the Pool', function () {
  this.timeout(60_000);
  let redis: RunningRedis;
  let rc: Client;

  before(async () => {
    redis = await startTestRedis();
    rc = await startCluster({ url: redis.url, engines: 2, env: envWithoutMarker() });
    // Open the load-balanced queue's connections now, so no test sees them as its leftovers.
    await rc
      .loadBalancedView()
      .apply(() => 0)
      .get(20_000);
  });
  after(async () => {
    await rc?.stop();
    await redis?.stop();
  });

  it('gives one row per task length, each ratio the median of its rounds cluster/pool', async () => {
    const cost = await measureDistributionCost({ cluster: rc, taskMs: [0.5, 2], tasks: 4, rounds: 3, applyTrips: 3 });
    assert.equal(cost.engines, 2);
    assert.deepEqual(
      cost.rows.map((row) => [row.taskMs, row.tasks, row.rounds.length]),
      [
        [0.5, 4, 3],
        [2, 4, 3],
      ],
    );
    for (const row of cost.rows) {
      for (const round of row.rounds) assert.ok(round.clusterMs > 0 && round.poolMs > 0);
      assert.equal(row.ratio, median(row.rounds.map((round) => round.clusterMs / round.poolMs)));
      assert.equal(row.clusterMs, median(row.rounds.map((round) => round.clusterMs)));
      assert.equal(row.poolMs, median(row.rounds.map((round) => round.poolMs)));
    }
    assert.ok(cost.apply.clusterMs > 0 && cost.apply.poolMs > 0 && cost.apply.ratio > 0);
    assert.deepEqual(rc.ids, [0, 1], 'the cluster it was given is left running');
  });

  it('gives a chart of the ratio on log axes, with the break-even line at 1', async () => {
    const cost = await measureDistributionCost({ cluster: rc, taskMs: [0.1, 1, 3], tasks: 2, rounds: 1, applyTrips: 1 });
    const { chart } = cost;
    assert.equal(chart.type, 'line');
    const scales = chart.options?.scales as Record<string, { type?: string }>;
    assert.equal(scales.x.type, 'logarithmic');
    assert.equal(scales.y.type, 'logarithmic');
    const [ratios, breakEven] = chart.data.datasets;
    assert.deepEqual(
      ratios.data,
      cost.rows.map((row) => ({ x: row.taskMs, y: row.ratio })),
    );
    assert.deepEqual(breakEven.data, [
      { x: 0.1, y: 1 },
      { x: 3, y: 1 },
    ]);
  });

  it('names bad options before starting anything', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ taskMs: [] }, /taskMs must be a non-empty array/],
      [{ taskMs: 5 }, /taskMs must be a non-empty array/],
      [{ taskMs: [1, -2] }, /taskMs\[1\] must be a number of ms above 0/],
      [{ taskMs: [1, '10'] }, /taskMs\[1\]/],
      [{ tasks: 0 }, /tasks/],
      [{ rounds: 1.5 }, /rounds/],
      [{ applyTrips: -1 }, /applyTrips/],
      [{ engines: 0 }, /engines/],
      [{ cluster: {} }, /cluster must be a Client/],
      [{ cluster: rc, engines: 2 }, /either cluster or engines/],
      ['fast', /options must be an object/],
    ];
    for (const [options, message] of cases) {
      await assert.rejects(measureDistributionCost(options as never), message, JSON.stringify(options));
    }
  });

  it('sizes a map to about 100 ms of work per engine, from 2 per engine up to 10 tasks', () => {
    assert.deepEqual(
      [0.1, 1, 10, 50, 100, 1000].map((ms) => defaultTaskCount(ms, 2)),
      [10, 10, 10, 4, 4, 4],
    );
    assert.equal(defaultTaskCount(100, 8), 16);
  });
});
