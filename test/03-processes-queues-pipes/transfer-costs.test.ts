/** Copy vs transfer vs share: the measurement the unit 03 notebook charts. */
import assert from 'node:assert/strict';
import { measureTransferCosts, transferCostChart } from '../../src/03-processes-queues-pipes/transfer-costs.js';

describe('measureTransferCosts', () => {
  it('copying 32 MB costs far more than transferring or sharing it; a median and a fastest time per size and mode', async () => {
    const costs = await measureTransferCosts({ sizesMB: [1, 32], repeats: 5 });
    assert.equal(costs.length, 6);
    for (const cost of costs) assert.ok(cost.fastestMs > 0 && cost.fastestMs <= cost.roundTripMs, JSON.stringify(cost));
    // The fastest of five: a busy shared machine can stall any one round trip, never the copying away.
    const at = (mode: string, megabytes: number): number =>
      costs.find((cost) => cost.mode === mode && cost.megabytes === megabytes)!.fastestMs;
    assert.ok(at('copy', 32) > 4 * at('share', 32), `copy ${at('copy', 32)} ms vs share ${at('share', 32)} ms`);
    assert.ok(at('copy', 32) > 4 * at('transfer', 32), `copy ${at('copy', 32)} ms vs transfer ${at('transfer', 32)} ms`);
    assert.ok(at('copy', 32) > at('copy', 1), 'copying grows with the size');
    const chart = transferCostChart(costs);
    assert.deepEqual(chart.data.labels, ['1 MB', '32 MB']);
    assert.deepEqual(
      chart.data.datasets.map((set) => set.label),
      ['copy', 'transfer', 'share'],
    );
  });

  it('names a bad size or repeat count', async () => {
    await assert.rejects(measureTransferCosts({ sizesMB: [0] }), /sizesMB\[0\] must be a positive integer, got 0/);
    await assert.rejects(measureTransferCosts({ repeats: -1 }), /repeats must be a positive integer, got -1/);
    await assert.rejects(measureTransferCosts({ sizesMB: [] }), /sizesMB must be a non-empty array/);
  });
});
