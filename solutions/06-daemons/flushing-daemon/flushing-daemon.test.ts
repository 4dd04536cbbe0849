/**
 * Tests of the flushing daemon: periodic flushes, nothing lost and nothing
 * flushed twice under a stream of adds with a slow flush, a clean stop that
 * leaves no timer behind. Waits are bounded; no test asserts how long anything took.
 */
import assert from 'node:assert/strict';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { withTimeout } from 'course-kit/01-threads-vs-async/async-tools';
import { FlushingDaemon } from './flushing-daemon.js';

/** Waits (at most `ms`) until `condition()` holds; false if it never did. */
async function eventually(condition: () => boolean, ms = 2000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await sleep(5);
  }
  return true;
}

/** Timers keeping the event loop alive now. */
function timerCount(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
}

/** Stops the daemon, waiting at most `ms` (a stop that hangs must not hang the tests). */
function stopWithin(daemon: { stop(): Promise<void> }, ms = 2000): Promise<void> {
  return withTimeout(daemon.stop(), ms, { label: 'stop()' });
}

/** A flush that records its batches and how many flushes ran at once. */
function recorder<T>(delayMs = 0) {
  const state = { batches: [] as T[][], active: 0, maxActive: 0 };
  const flush = async (batch: T[]): Promise<void> => {
    state.active++;
    state.maxActive = Math.max(state.maxActive, state.active);
    try {
      if (delayMs > 0) await sleep(delayMs);
      state.batches.push([...batch]);
    } finally {
      state.active--;
    }
  };
  return { state, flush };
}

describe('flushing-daemon', () => {
  it('flushes the buffer periodically while it runs [2 pts]', async () => {
    const { state, flush } = recorder<string>();
    const daemon = new FlushingDaemon<string>({ intervalMs: 10, flush });
    daemon.start();
    try {
      assert.equal(daemon.running, true);
      daemon.add('a');
      daemon.add('b');
      assert.ok(await eventually(() => state.batches.length >= 1), 'no periodic flush happened');
      assert.deepEqual(state.batches[0], ['a', 'b']);
      assert.equal(daemon.pending, 0);
      daemon.add('c');
      assert.ok(await eventually(() => state.batches.length >= 2), 'no second periodic flush');
      assert.deepEqual(state.batches[1], ['c']);
      await sleep(40);
      assert.equal(state.batches.length, 2, 'flush must not be called with an empty batch');
    } finally {
      await stopWithin(daemon);
    }
  });

  it('stop() flushes what is left, ends the loop and leaves no timer running [2 pts]', async () => {
    await nextTurn(); // mocha starts this test's own timeout timer once the test function has returned its promise
    const timersBefore = timerCount();
    const { state, flush } = recorder<number>();
    const daemon = new FlushingDaemon<number>({ intervalMs: 60_000, flush }); // the period never comes
    daemon.start();
    for (let i = 1; i <= 5; i++) daemon.add(i);
    await stopWithin(daemon);
    assert.deepEqual(state.batches, [[1, 2, 3, 4, 5]]);
    assert.equal(daemon.pending, 0);
    assert.equal(daemon.running, false);
    assert.ok(await eventually(() => timerCount() <= timersBefore, 500), 'a timer is still running after stop()');
  });

  it('a stream of adds with a slow flush: every item flushed exactly once, in order, never two flushes at once [3 pts]', async () => {
    const { state, flush } = recorder<number>(8);
    const daemon = new FlushingDaemon<number>({ intervalMs: 3, flush });
    daemon.start();
    try {
      for (let i = 0; i < 300; i++) {
        daemon.add(i);
        if (i % 7 === 0) await sleep(1);
        else await nextTurn();
      }
    } finally {
      await stopWithin(daemon, 4000);
    }
    const flushed = state.batches.flat();
    assert.deepEqual(
      flushed,
      Array.from({ length: 300 }, (_, i) => i),
      'items lost, duplicated or reordered',
    );
    assert.ok(state.batches.length > 1, 'the daemon should have flushed periodically, not only at stop()');
    assert.equal(state.maxActive, 1, 'two flushes ran at the same time');
  });

  it('add() after stop() throws, so no item is silently dropped [1 pts]', async () => {
    const { flush } = recorder<string>();
    const daemon = new FlushingDaemon<string>({ intervalMs: 10, flush });
    daemon.start();
    await stopWithin(daemon);
    assert.throws(() => daemon.add('late'));
    assert.equal(daemon.stopped, true);
  });

  // BEGIN HIDDEN TESTS
  it('a failing flush keeps its batch for the next try, and onError hears about it [1 pts]', async () => {
    const batches: string[][] = [];
    const errors: unknown[] = [];
    let failures = 2;
    const daemon = new FlushingDaemon<string>({
      intervalMs: 5,
      flush: (batch) => {
        if (failures-- > 0) throw new Error('disk full');
        batches.push([...batch]);
      },
      onError: (error) => errors.push(error),
    });
    daemon.add('x');
    daemon.start();
    try {
      assert.ok(await eventually(() => errors.length >= 1));
      daemon.add('y');
      assert.ok(await eventually(() => batches.length >= 1), 'the batch was not retried');
    } finally {
      await stopWithin(daemon);
    }
    assert.deepEqual(batches.flat(), ['x', 'y']);
    assert.equal(errors.length, 2);
    assert.equal((errors[0] as Error).message, 'disk full');
  });

  it('stop() without start() flushes once; a second stop() is the same shutdown [1 pts]', async () => {
    const { state, flush } = recorder<number>(5);
    const daemon = new FlushingDaemon<number>({ intervalMs: 10, flush });
    daemon.add(1);
    daemon.add(2);
    const first = daemon.stop();
    const second = daemon.stop();
    await Promise.all([first, second]);
    assert.deepEqual(state.batches, [[1, 2]]);
    assert.throws(() => daemon.start());
  });

  it('stop() during a slow flush waits for it, then flushes the items added meanwhile [1 pts]', async () => {
    const { state, flush } = recorder<string>(50);
    const daemon = new FlushingDaemon<string>({ intervalMs: 5, flush });
    daemon.add('first');
    daemon.start();
    assert.ok(await eventually(() => daemon.flushing));
    daemon.add('second');
    await stopWithin(daemon);
    assert.deepEqual(state.batches, [['first'], ['second']]);
    assert.equal(state.maxActive, 1);
  });

  it('a last flush that fails makes stop() reject and keeps the items pending [1 pts]', async () => {
    const daemon = new FlushingDaemon<number>({
      intervalMs: 60_000,
      flush: () => {
        throw new Error('database down');
      },
    });
    daemon.add(1);
    await assert.rejects(daemon.stop(), { message: 'database down' });
    assert.equal(daemon.pending, 1);
  });
  // END HIDDEN TESTS
});
