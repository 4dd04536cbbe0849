import assert from 'node:assert/strict';
import { demonstrateDeadlock, runDeadlockFix, runDeadlockLab } from '../../src/07-deadlock-and-starvation/deadlock-lab.js';

/** Runs `work` and checks it settled within `boundMs` plus a margin for ending the workers. */
async function withinBound<T>(boundMs: number, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  const elapsed = performance.now() - started;
  assert.ok(elapsed < boundMs + 1000, `the lab took ${Math.round(elapsed)} ms, its bound was ${boundMs} ms`);
  return result;
}

describe('deadlock lab (AB/BA)', () => {
  it('the deadlock forms, the watchdog finds the cycle, the victim gives up, and both workers finish', async () => {
    const demo = await withinBound(6000, () => demonstrateDeadlock({ timeoutMs: 6000 }));
    assert.equal(demo.deadlocked, true);
    assert.deepEqual(demo.cycle, ['worker-0', 'B', 'worker-1', 'A']);
    assert.deepEqual(demo.graph.edges.map((edge) => `${edge.from} ${edge.kind} ${edge.to}`).sort(), [
      'A held-by worker-0',
      'B held-by worker-1',
      'worker-0 waits-for B',
      'worker-1 waits-for A',
    ]);
    assert.equal(demo.victim, 'worker-1');
    assert.equal(demo.brokenBy, 'give-up');
    assert.equal(demo.completed, true);
    assert.deepEqual(
      demo.workers.map((worker) => [worker.name, worker.status, worker.rounds]),
      [
        ['worker-0', 'finished', 1],
        ['worker-1', 'finished', 1],
      ],
    );
    assert.ok(demo.workers[1].retries >= 1, 'the victim retried its round');
    assert.deepEqual(demo.finalGraph.edges, []);
  });

  it('terminating the victim does not free its lock: the survivor stays stuck until the lab stops it', async () => {
    const demo = await withinBound(6000, () => demonstrateDeadlock({ breakBy: 'terminate', timeoutMs: 6000 }));
    assert.equal(demo.deadlocked, true);
    assert.equal(demo.victim, 'worker-1');
    assert.equal(demo.completed, false);
    assert.deepEqual(
      demo.workers.map((worker) => [worker.name, worker.status, worker.rounds]),
      [
        ['worker-0', 'stopped', 0],
        ['worker-1', 'terminated', 0],
      ],
    );
    // Lock B is still held by the ended thread, and worker-0 still waits for it.
    assert.ok(
      demo.finalGraph.edges.some((edge) => edge.from === 'B' && edge.to === 'worker-1 (ended)' && edge.kind === 'held-by'),
      JSON.stringify(demo.finalGraph.edges),
    );
    assert.ok(demo.finalGraph.edges.some((edge) => edge.from === 'worker-0' && edge.to === 'B' && edge.kind === 'waits-for'));
  });

  it('without a watchdog the naive version never finishes, yet the run returns within its bound', async () => {
    const result = await runDeadlockFix('naive', { timeoutMs: 1500, rounds: 1 });
    // The bound counts from the start gate (starting the workers comes on top).
    assert.ok(result.timeMs < 1500, `the run took ${Math.round(result.timeMs)} ms, its bound was 1500 ms`);
    assert.equal(result.completed, false);
    assert.equal(result.deadlocked, true, result.explanation);
    assert.match(result.explanation, /^deadlocked: .*worker-0.*worker-1/);
    // Asked to stop, the first to notice lets go of its lock, so the other may still finish its round.
    assert.ok(
      result.workers.some((worker) => worker.status === 'stopped' && worker.rounds === 0),
      JSON.stringify(result.workers),
    );
    assert.ok(
      result.workers.every((worker) => worker.status !== 'terminated'),
      'the workers listened to the stop request',
    );
  });

  for (const strategy of ['ordered', 'try-backoff', 'timeout-retry'] as const) {
    it(`the fix '${strategy}' completes every round`, async () => {
      const result = await withinBound(8000, () => runDeadlockFix(strategy, { rounds: 3 }));
      assert.equal(result.strategy, strategy);
      assert.equal(result.completed, true);
      assert.deepEqual(
        result.workers.map((worker) => [worker.status, worker.rounds]),
        [
          ['finished', 3],
          ['finished', 3],
        ],
      );
      assert.equal(result.retries, result.workers[0].retries + result.workers[1].retries);
      if (strategy === 'ordered') assert.equal(result.retries, 0, 'one lock order never needs a retry');
    });
  }

  it('runDeadlockLab runs the demo and the chosen fixes', async () => {
    const lab = await runDeadlockLab({ fixes: ['ordered'], fixOptions: { rounds: 1 } });
    assert.equal(lab.deadlock.deadlocked, true);
    assert.deepEqual(
      lab.fixes.map((fix) => [fix.strategy, fix.completed]),
      [['ordered', true]],
    );
  });

  it('rejects bad inputs with named errors (before starting any worker)', async () => {
    await assert.rejects(demonstrateDeadlock({ pauseMs: 0 }), /pauseMs must be a positive integer, got 0/);
    await assert.rejects(demonstrateDeadlock({ breakBy: 'kill' as never }), /breakBy must be one of 'give-up', 'terminate', got "kill"/);
    await assert.rejects(demonstrateDeadlock({ timeoutMs: -5 }), /timeoutMs must be a number of milliseconds > 0/);
    await assert.rejects(demonstrateDeadlock('fast' as never), /options must be an object/);
    await assert.rejects(runDeadlockFix('magic' as never), /strategy must be one of 'naive', 'ordered', 'try-backoff', 'timeout-retry'/);
    await assert.rejects(runDeadlockFix('ordered', { rounds: 0 }), /rounds must be a positive integer, got 0/);
    await assert.rejects(runDeadlockLab({ fixes: ['ordered', 'nope' as never] }), /fixes\[1\] must be one of/);
  });
});
