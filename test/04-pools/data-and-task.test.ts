import assert from 'node:assert/strict';
import { clusterPoints, measureDataAndTaskParallelism, renderRows, simulatePi } from '../../src/04-pools/index.js';

describe('data parallelism and task parallelism (measureDataAndTaskParallelism)', function () {
  this.timeout(120_000);

  it('the jobs compute real answers: pi, the cluster centers, an image whose strips make the whole', () => {
    assert.ok(Math.abs(simulatePi(200_000) - Math.PI) < 0.02);
    assert.deepEqual(clusterPoints(4_000, 4, 12), [0.5, 10.5, 20.5, 30.5]);
    const whole = renderRows(40, 30, 0, 30, 50);
    const strips = [...renderRows(40, 30, 0, 13, 50), ...renderRows(40, 30, 13, 30, 50)];
    assert.deepEqual(strips, [...whole]);
    assert.equal(whole[15 * 40 + 10], 50, 'a point inside the set reaches the depth');
    assert.ok(whole[0] < 5, 'a corner far outside the set escapes at once');
  });

  it('times both splits against one worker: the strips put back are the image, speedup = one / pool', async () => {
    const result = await measureDataAndTaskParallelism({ workers: 2, width: 120, height: 90 });
    assert.equal(result.stripsMatch, true);
    assert.deepEqual(
      result.rows.map((row) => row.split),
      ['data', 'task'],
    );
    for (const row of result.rows) {
      assert.ok(row.oneWorkerMs > 0 && row.poolMs > 0);
      assert.equal(row.speedup, row.oneWorkerMs / row.poolMs);
    }
    assert.ok(Math.abs(result.tasks.pi - Math.PI) < 0.01);
    assert.deepEqual(result.tasks.centers, [0.5, 10.5, 20.5, 30.5]);
    assert.equal(result.tasks.pixels, 120 * 90);
  });

  it('names bad options', async () => {
    await assert.rejects(measureDataAndTaskParallelism({ workers: 0 }), /workers must be a positive integer, got 0/);
    await assert.rejects(measureDataAndTaskParallelism({ width: -5 }), /width must be a positive integer, got -5/);
  });
});
