import assert from 'node:assert/strict';
import { measureDispatchCost } from '../../src/04-pools/dispatch-cost.js';
import { Pool } from '../../src/04-pools/pool.js';
import { withPool } from './pool-helpers.js';

const increment = (x: number) => x + 1;

describe('Pool dispatch: one task per message, or batches', function () {
  this.timeout(60_000);

  for (const dispatch of ['one-at-a-time', 'batched'] as const) {
    it(`dispatch '${dispatch}' gives the same results, in order, from apply and map`, async () => {
      await withPool({ size: 2, dispatch }, async (pool) => {
        const inputs = Array.from({ length: 2000 }, (_, i) => i);
        assert.deepEqual(await Promise.all(inputs.map((x) => pool.apply(increment, [x]))), inputs.map(increment));
        assert.deepEqual(await pool.map(increment, inputs), inputs.map(increment));
      });
    });
  }

  it('names a wrong dispatch', () => {
    assert.throws(() => new Pool({ dispatch: 'fast' as 'batched' }), /dispatch must be one of 'batched', 'one-at-a-time', got "fast"/);
  });

  it('batches move more tiny tasks per second than one task per message (median of alternating rounds)', async () => {
    const cost = await measureDispatchCost({ tasks: 4000, workers: 2, rounds: 3 });
    assert.ok(cost.oneAtATime > 0 && cost.batched > 0, JSON.stringify(cost));
    assert.ok(cost.batchedOverOneAtATime > 1, `batched / one-at-a-time = ${cost.batchedOverOneAtATime.toFixed(2)}`);
  });

  it('measureDispatchCost names bad options', async () => {
    await assert.rejects(measureDispatchCost({ tasks: 0 }), /tasks must be a positive integer, got 0/);
    await assert.rejects(measureDispatchCost({ rounds: 1.5 }), /rounds must be a positive integer/);
  });
});
