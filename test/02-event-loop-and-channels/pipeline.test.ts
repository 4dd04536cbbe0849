/** The fan-out / fan-in pipeline of unit 02: every item once, bounded memory, cancellation. */
import assert from 'node:assert/strict';
import { backpressureChart, measureBackpressure, runPipeline } from '../../src/02-event-loop-and-channels/pipeline.js';

const later = <T>(value: T, ms: number): Promise<T> => new Promise((resolve) => setTimeout(() => resolve(value), ms));

describe('runPipeline', () => {
  it('runs the stage once per item, with at most `workers` stages at a time', async () => {
    let running = 0;
    let most = 0;
    const run = await runPipeline(
      Array.from({ length: 100 }, (_, i) => i),
      async (n: number) => {
        running++;
        most = Math.max(most, running);
        await later(null, 1);
        running--;
        return n * 2;
      },
      { workers: 3, capacity: 2 },
    );
    assert.equal(most, 3);
    const byIndex = [...run.results].sort((a, b) => a.index - b.index);
    assert.deepEqual(
      byIndex.map((r) => r.value),
      Array.from({ length: 100 }, (_, i) => i * 2),
    );
    assert.deepEqual(
      byIndex.map((r) => r.index),
      Array.from({ length: 100 }, (_, i) => i),
    );
  });

  it('backpressure: items in flight stay within the buffers and the stages', async () => {
    const rows = await measureBackpressure({ capacities: [0, 16], items: 100, stageMs: 1, workers: 2 });
    // At most: capacity in jobs + workers busy + capacity in results + one handed over.
    for (const row of rows) assert.ok(row.maxInFlight <= 2 * row.capacity + 2 + 2, JSON.stringify(row));
    assert.ok(rows[1].maxInFlight > rows[0].maxInFlight, 'a bigger buffer lets more items pile up');
    assert.equal(backpressureChart(rows).data.datasets.length, 2);
  });

  it('an AbortSignal cancels the whole pipeline, which rejects with its reason and ends every task', async () => {
    const controller = new AbortController();
    const started: number[] = [];
    setTimeout(() => controller.abort(new Error('stop now')), 30);
    await assert.rejects(
      runPipeline(
        Array.from({ length: 10_000 }, (_, i) => i),
        (n: number) => (started.push(n), later(n, 5)),
        { signal: controller.signal },
      ),
      /stop now/,
    );
    assert.ok(started.length < 10_000, 'not every item was processed');
  });

  it('names bad options and a stage that is not a function', async () => {
    await assert.rejects(
      runPipeline([1], (x) => x, { workers: 0 }),
      /workers must be a positive integer, got 0/,
    );
    await assert.rejects(
      runPipeline([1], (x) => x, { capacity: -1 }),
      /capacity must be an integer >= 0, got -1/,
    );
    await assert.rejects(runPipeline([1], 'double' as never), /stage must be a function/);
  });
});
