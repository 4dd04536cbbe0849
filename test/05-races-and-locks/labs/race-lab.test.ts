/** Unit 05's race lab: the plain counter loses updates (almost) every run; Atomics.add and the Lock never do. */
import assert from 'node:assert/strict';
import { renderChartPng } from '../../../src/notebook/charts.js';
import { LabTimeoutError } from '../../../src/05-races-and-locks/labs/lab-team.js';
import { raceLabCostChart, raceLabDistributionChart, runRaceLab } from '../../../src/05-races-and-locks/labs/race-lab.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('race lab', function () {
  this.timeout(30_000);

  it('with the default workers and increments, plain loses updates in >= 95% of 40 runs', async () => {
    const result = await runRaceLab({ variants: ['plain'], runs: 40, variantBudgetMs: Infinity });
    const [plain] = result.variants;
    assert.equal(result.expected, result.workers * result.increments);
    assert.equal(plain.runs.length, 40);
    assert.equal(plain.stoppedEarly, false);
    for (const run of plain.runs) {
      assert.ok(run.final <= result.expected, `run ${run.run}: ${run.final} is more than ${result.expected}`);
      assert.equal(run.lost, result.expected - run.final);
      assert.ok(run.ms > 0);
    }
    assert.equal(plain.runsWithLostUpdates, plain.runs.filter((run) => run.lost > 0).length);
    assert.ok(
      plain.runsWithLostUpdates >= 38,
      `plain lost updates in only ${plain.runsWithLostUpdates} of 40 runs: ${plain.runs.map((run) => run.lost).join(', ')}`,
    );
    assert.equal(plain.lossRate, plain.runsWithLostUpdates / 40);
  });

  it('atomic and lock always end at workers x increments (default workers and increments)', async () => {
    const result = await runRaceLab({ variants: ['atomic', 'lock'], runs: 4, variantBudgetMs: Infinity });
    assert.deepEqual(
      result.variants.map((entry) => entry.variant),
      ['atomic', 'lock'],
    );
    for (const entry of result.variants) {
      assert.equal(entry.runs.length, 4);
      assert.deepEqual(
        entry.runs.map((run) => run.final),
        [1, 2, 3, 4].map(() => result.expected),
        entry.variant,
      );
      assert.equal(entry.runsWithLostUpdates, 0);
      assert.deepEqual(entry.lost, { min: 0, median: 0, max: 0 });
    }
  });

  it('a small run of all three variants in order, and both charts render to PNG', async () => {
    const result = await runRaceLab({ workers: 2, increments: 20_000, runs: 3 });
    assert.deepEqual(
      result.variants.map((entry) => entry.variant),
      ['plain', 'atomic', 'lock'],
    );
    assert.equal(result.expected, 40_000);
    for (const entry of result.variants) assert.equal(entry.runs.length, 3);
    const distribution = raceLabDistributionChart(result);
    assert.equal(distribution.data.datasets.length, 4); // three variants + the expected line
    assert.deepEqual(distribution.data.datasets[3].data, [
      { x: -0.5, y: 40_000 },
      { x: 2.5, y: 40_000 },
    ]);
    const cost = raceLabCostChart(result);
    assert.deepEqual(
      cost.data.datasets[0].data,
      result.variants.map((entry) => entry.medianMs),
    );
    for (const config of [distribution, cost]) {
      assert.deepEqual(renderChartPng(config, { width: 400, height: 250, scale: 1 }).subarray(0, 8), PNG_SIGNATURE);
    }
  });

  it('the time budget stops a slow variant early (after at least 3 runs)', async () => {
    const result = await runRaceLab({ variants: 'lock', workers: 2, increments: 20_000, runs: 1000, variantBudgetMs: 1 });
    const [lock] = result.variants;
    assert.equal(lock.runs.length, 3);
    assert.equal(lock.stoppedEarly, true);
    assert.ok(lock.runs.every((run) => run.final === result.expected));
  });

  it('past its timeout it rejects with a LabTimeoutError and ends its workers (the harness checks)', async () => {
    const started = performance.now();
    await assert.rejects(
      runRaceLab({ variants: ['lock'], workers: 4, increments: 5_000_000, timeout: 300 }),
      (error: Error) => error instanceof LabTimeoutError && /within its timeout of 300 ms.*workers were ended/.test(error.message),
    );
    assert.ok(performance.now() - started < 5000);
  });

  it('names bad inputs', async () => {
    await assert.rejects(runRaceLab({ workers: 0 }), { name: 'RangeError', message: 'workers must be a positive integer, got 0' });
    await assert.rejects(runRaceLab({ runs: -1 }), { name: 'RangeError', message: 'runs must be a positive integer, got -1' });
    await assert.rejects(runRaceLab({ increments: 2.5 }), /increments must be a positive integer, got 2.5/);
    await assert.rejects(runRaceLab({ variants: ['plain', 'nope' as never] }), {
      name: 'RangeError',
      message: "variants[1] must be one of 'plain', 'atomic', 'lock', got \"nope\"",
    });
    await assert.rejects(runRaceLab({ variants: [] }), /variants must be a variant or a non-empty array/);
    await assert.rejects(runRaceLab({ workers: 64, increments: 50_000_000 }), /workers x increments must stay below 2\^31/);
    await assert.rejects(runRaceLab({ workers: 65 }), /workers must be at most 64, got 65/);
    await assert.rejects(runRaceLab({ variantBudgetMs: 0 }), /variantBudgetMs must be a number of milliseconds > 0/);
    await assert.rejects(runRaceLab({ timeout: -5 }), /timeout must be a number of milliseconds > 0/);
    await assert.rejects(runRaceLab('fast' as never), /options must be an object, got "fast"/);
    assert.throws(() => raceLabCostChart(undefined as never), /result must be what runRaceLab\(\) resolved to, got undefined/);
  });
});
