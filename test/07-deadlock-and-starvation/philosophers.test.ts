import assert from 'node:assert/strict';
import { compareDiningStrategies, dinePhilosophers, diningChart } from '../../src/07-deadlock-and-starvation/philosophers.js';

describe('dining philosophers', () => {
  it('naive: the five-way deadlock is detected in the wait-for graph and broken; everyone eats', async () => {
    const result = await dinePhilosophers('naive', { meals: 2 });
    assert.equal(result.deadlockDetected, true);
    const first = result.deadlocks[0];
    // P0 waits for fork 1, held by P1, ... P4 waits for fork 0, held by P0.
    assert.deepEqual(first.graph.cycle, ['P0', 'fork 1', 'P1', 'fork 2', 'P2', 'fork 3', 'P3', 'fork 4', 'P4', 'fork 0']);
    assert.equal(first.brokenBy, 'give-up');
    assert.equal(first.victimResponded, true);
    assert.equal(first.victim, 'P4');
    assert.equal(result.completed, true);
    assert.deepEqual(result.mealsPerPhilosopher, [2, 2, 2, 2, 2]);
    assert.ok(result.retriesPerPhilosopher.reduce((a, b) => a + b, 0) >= result.deadlocks.length);
  });

  it('resource ordering and a waiter (Semaphore(n - 1)) finish every meal with no deadlock', async () => {
    const results = await compareDiningStrategies({ meals: 3 }, ['ordered', 'waiter']);
    for (const result of results) {
      assert.equal(result.completed, true, result.strategy);
      assert.equal(result.deadlockDetected, false, result.strategy);
      assert.deepEqual(result.deadlocks, []);
      assert.deepEqual(result.mealsPerPhilosopher, [3, 3, 3, 3, 3]);
      assert.deepEqual(result.retriesPerPhilosopher, [0, 0, 0, 0, 0]);
    }
    const chart = diningChart(results);
    assert.deepEqual(chart.data.labels, ['P0', 'P1', 'P2', 'P3', 'P4']);
    assert.equal(chart.data.datasets.length, 2);
  });

  it('works with another table size (3 philosophers)', async () => {
    const result = await dinePhilosophers('naive', { philosophers: 3, meals: 1 });
    assert.equal(result.deadlockDetected, true);
    assert.equal(result.deadlocks[0].graph.cycle.length, 6);
    assert.deepEqual(result.mealsPerPhilosopher, [1, 1, 1]);
  });

  it('rejects bad inputs with named errors', async () => {
    await assert.rejects(dinePhilosophers('greedy' as never), /strategy must be one of 'naive', 'ordered', 'waiter', got "greedy"/);
    await assert.rejects(dinePhilosophers('naive', { philosophers: 1 }), /philosophers must be at least 2/);
    await assert.rejects(dinePhilosophers('naive', { meals: 0 }), /meals must be a positive integer, got 0/);
    await assert.rejects(dinePhilosophers('naive', { eatMs: -1 }), /eatMs must be an integer >= 0, got -1/);
    await assert.rejects(compareDiningStrategies({}, []), /strategies must be a non-empty array/);
  });
});
