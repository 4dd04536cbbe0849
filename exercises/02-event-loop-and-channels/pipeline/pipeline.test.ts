/**
 * Tests of the channel pipeline: order, backpressure (how far ahead of a stuck
 * stage the source gets read), cancellation from outside and by a failing stage.
 */
import assert from 'node:assert/strict';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { withTimeout } from 'course-kit/01-threads-vs-async/async-tools';
import { runStages, type Stage } from './pipeline.js';

/** Lets the event loop run `turns` times (promise callbacks and I/O in between). */
async function settle(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) await nextTurn();
}

/** A source that counts what was read from it and whether it was closed. */
function countingSource(count: number) {
  const state = { produced: 0, closed: false };
  async function* values(): AsyncGenerator<number> {
    try {
      for (let i = 1; i <= count; i++) {
        state.produced++;
        yield i;
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, values: values() };
}

/** A gate a stage can wait at until the test opens it. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('pipeline', () => {
  it('passes every value through every stage, in source order [2 pts]', async () => {
    const stages: Stage[] = [
      (x: number) => x + 1,
      async (x: number) => {
        await sleep((x * 7) % 5); // stages take different times per value
        return x * 2;
      },
      (x: number) => `#${x}`,
    ];
    const source = Array.from({ length: 30 }, (_, i) => i);
    const results = await withTimeout(runStages(source, stages, { capacity: 2 }), 5000, { label: 'the pipeline' });
    assert.deepEqual(
      results,
      source.map((x) => `#${(x + 1) * 2}`),
    );
  });

  it('with no stages it returns the source values; an async source works too [1 pts]', async () => {
    assert.deepEqual(await withTimeout(runStages(['a', 'b', 'c'], [], { capacity: 1 }), 2000, { label: 'the pipeline' }), ['a', 'b', 'c']);
    const { values, state } = countingSource(5);
    assert.deepEqual(
      await withTimeout(runStages(values, [(x: number) => x * x], { capacity: 0 }), 2000, { label: 'the pipeline' }),
      [1, 4, 9, 16, 25],
    );
    assert.equal(state.closed, true);
  });

  it('backpressure: a stuck last stage stops the source from being read far ahead [2 pts]', async () => {
    const { values, state } = countingSource(1000);
    const stuck = gate();
    const capacity = 2;
    const stages: Stage[] = [(x: number) => x, async (x: number) => (x === 1 ? stuck.opened.then(() => x) : x)];
    const running = runStages(values, stages, { capacity });
    try {
      await settle(50);
      // Each stage holds one value and each channel `capacity`; the source's task holds one more.
      const bound = stages.length * (capacity + 1) + 2;
      assert.ok(state.produced <= bound, `the source was read ${state.produced} values ahead (at most ${bound} expected)`);
    } finally {
      stuck.open();
    }
    const results = await withTimeout(running, 5000, { label: 'the pipeline' });
    assert.equal(results.length, 1000);
  });

  it('canceling with the signal rejects with its reason, closes the source and ends every stage [2 pts]', async () => {
    const { values, state } = countingSource(1_000_000);
    const controller = new AbortController();
    const calls = { started: 0, active: 0 };
    const slow: Stage = async (x: number) => {
      calls.started++;
      calls.active++;
      try {
        await sleep(1);
        return x;
      } finally {
        calls.active--;
      }
    };
    const running = runStages(values, [slow, slow], { capacity: 4, signal: controller.signal });
    await sleep(30);
    const reason = new Error('stop now');
    controller.abort(reason);
    await assert.rejects(withTimeout(running, 2000, { label: 'the canceled pipeline' }), (error) => error === reason);
    assert.equal(state.closed, true, "the source's iterator was not closed (return() not called)");
    assert.equal(calls.active, 0, 'a stage call was still running after runStages rejected');
    const startedAtRejection = calls.started;
    await sleep(20);
    assert.equal(calls.started, startedAtRejection, 'stages kept being called after the rejection');
  });

  it('a failing stage rejects the pipeline with its error and stops the rest [1 pts]', async () => {
    const { values, state } = countingSource(1_000_000);
    const boom = new Error('stage 2 failed on 10');
    let afterFailure = 0;
    const stages: Stage[] = [
      async (x: number) => {
        await nextTurn();
        return x;
      },
      (x: number) => {
        if (x === 10) throw boom;
        return x;
      },
      (x: number) => {
        if (x > 10) afterFailure++;
        return x;
      },
    ];
    await assert.rejects(
      withTimeout(runStages(values, stages, { capacity: 3 }), 2000, { label: 'the failing pipeline' }),
      (error) => error === boom,
    );
    assert.equal(state.closed, true, 'the source was not closed');
    assert.equal(afterFailure, 0, 'values after the failing one reached the last stage');
  });

});
