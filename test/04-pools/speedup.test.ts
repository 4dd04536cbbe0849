/** Unit 04's speedup measurement: real CPU work, so speedup is bounded by the cores. */
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { amdahlSpeedup, measureSpeedup, speedupChart } from '../../src/04-pools/speedup.js';

describe('measureSpeedup', function () {
  this.timeout(60_000);

  it('1 worker is the baseline; more workers than cores give no more than the cores (plus noise)', async () => {
    const cores = availableParallelism();
    const result = await measureSpeedup({ workerCounts: [1, cores, cores + 2], jobs: 8, jobMs: 30, repeats: 1 });
    assert.deepEqual(
      result.rows.map((row) => row.workers),
      [1, cores, cores + 2],
    );
    assert.equal(result.rows[0].speedup, 1);
    for (const row of result.rows) {
      assert.ok(row.speedup <= cores * 1.15, `speedup ${row.speedup.toFixed(2)} with ${row.workers} workers on ${cores} cores`);
      assert.ok(Math.abs(row.efficiency - row.speedup / row.workers) < 1e-9);
    }
    if (cores >= 2) assert.ok(result.rows[1].speedup > 1.2, `parallel workers must help: ${result.rows[1].speedup.toFixed(2)}`);
    assert.ok(result.serialFraction >= 0 && result.serialFraction <= 1);
    const chart = speedupChart(result);
    assert.equal(chart.data.datasets.length, 3);
    assert.deepEqual(
      chart.data.labels,
      result.rows.map((row) => String(row.workers)),
    );
  });

  it("Amdahl's law: no serial part gives the core count; a serial half caps at 2", () => {
    assert.equal(amdahlSpeedup(8, 0, 4), 4);
    assert.ok(Math.abs(amdahlSpeedup(1000, 0.5, 1000) - 2) < 0.01);
  });

  it('names bad options', async () => {
    await assert.rejects(measureSpeedup({ workerCounts: [0] }), /workerCounts\[0\] must be a positive integer, got 0/);
    await assert.rejects(measureSpeedup({ kind: 'fibers' as never }), /kind must be one of 'threads', 'processes'/);
    await assert.rejects(measureSpeedup({ jobs: 1.5 }), /jobs must be a positive integer, got 1.5/);
  });
});
