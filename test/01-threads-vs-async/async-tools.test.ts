import assert from 'node:assert/strict';
import { gather, mapLimit, sleep, TimeoutError, withTimeout } from '../../src/01-threads-vs-async/async-tools.js';

describe('sleep', () => {
  it('waits about the time asked', async () => {
    const start = performance.now();
    await sleep(30);
    assert.ok(performance.now() - start >= 29);
  });

  it('rejects with the signal reason when aborted, and leaves no timer', async () => {
    const controller = new AbortController();
    const slept = sleep(60_000, { signal: controller.signal });
    controller.abort(new Error('enough'));
    await assert.rejects(slept, /enough/);
    await assert.rejects(sleep(10, { signal: AbortSignal.abort(new Error('already')) }), /already/);
  });

  it('names ms in the error for a negative or missing time', () => {
    assert.throws(() => sleep(-1), /^RangeError: ms must be a number of milliseconds >= 0/);
    assert.throws(() => sleep(undefined as unknown as number), /ms must be/);
  });
});

describe('withTimeout', () => {
  it('passes the result through when the work is in time', async () => {
    assert.equal(await withTimeout(Promise.resolve(42), 1000), 42);
  });

  it('rejects with a TimeoutError naming the work, and aborts the signal it gave', async () => {
    let seen: AbortSignal | undefined;
    const slow = withTimeout(
      (signal) => {
        seen = signal;
        return sleep(60_000, { signal });
      },
      20,
      { label: 'download' },
    );
    await assert.rejects(slow, (error: Error) => error instanceof TimeoutError && error.message === 'download did not finish within 20 ms');
    assert.equal(seen?.aborted, true, 'the work was told to stop, so its timer is gone');
  });

  it('passes the work failure through', async () => {
    await assert.rejects(withTimeout(Promise.reject(new Error('boom')), 1000), /boom/);
  });

  it('rejects a negative timeout or a non-promise with a named error', () => {
    assert.throws(() => withTimeout(Promise.resolve(1), -5), /^RangeError: ms must be a number of milliseconds > 0/);
    assert.throws(() => withTimeout(42 as unknown as Promise<number>, 10), /work must be a promise or a function/);
  });
});

describe('gather', () => {
  it('returns results in the order given, not the order finished', async () => {
    const results = await gather([sleep(30).then(() => 'slow'), Promise.resolve('fast'), 3]);
    assert.deepEqual(results, ['slow', 'fast', 3]);
  });

  it('rejects with the first failure by default', async () => {
    await assert.rejects(gather([Promise.resolve(1), Promise.reject(new Error('bad'))]), /bad/);
  });

  it('with returnExceptions puts each error in its place', async () => {
    const results = await gather([Promise.resolve(1), Promise.reject(new Error('bad')), Promise.reject('text')], {
      returnExceptions: true,
    });
    assert.equal(results[0], 1);
    assert.ok(results[1] instanceof Error && results[1].message === 'bad');
    assert.ok(results[2] instanceof Error && results[2].message === 'text');
  });
});

describe('mapLimit', () => {
  it('never has more than limit calls in flight, and keeps the order of the items', async () => {
    let inFlight = 0;
    let most = 0;
    const results = await mapLimit([50, 10, 30, 20, 40, 5], 2, async (ms, index) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await sleep(ms);
      inFlight -= 1;
      return index;
    });
    assert.deepEqual(results, [0, 1, 2, 3, 4, 5]);
    assert.equal(most, 2);
  });

  it('stops starting calls after a failure', async () => {
    const started: number[] = [];
    await assert.rejects(
      mapLimit([1, 2, 3, 4, 5, 6], 1, async (item) => {
        started.push(item);
        if (item === 2) throw new Error('item 2 failed');
        return item;
      }),
      /item 2 failed/,
    );
    await sleep(10);
    assert.deepEqual(started, [1, 2]);
  });

  it('stops when the signal aborts', async () => {
    const controller = new AbortController();
    const started: number[] = [];
    const run = mapLimit(
      [1, 2, 3, 4],
      1,
      async (item) => {
        started.push(item);
        if (item === 1) controller.abort(new Error('canceled'));
        await sleep(5);
        return item;
      },
      { signal: controller.signal },
    );
    await assert.rejects(run, /canceled/);
    assert.deepEqual(started, [1]);
  });

  it('names limit in the error', async () => {
    await assert.rejects(
      mapLimit([1], 0, async (x) => x),
      /^RangeError: limit must be a positive integer or Infinity, got 0/,
    );
  });
});
