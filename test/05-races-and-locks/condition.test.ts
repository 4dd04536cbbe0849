import assert from 'node:assert/strict';
import { Condition } from '../../src/05-races-and-locks/condition.js';
import { Lock } from '../../src/05-races-and-locks/shared-lock.js';
import { startWorkers, StartGate } from './shared-workers.js';

describe('Condition (shared memory)', () => {
  it('bounded buffer across workers: 2 producers, 2 consumers, every item exactly once, no lost wake-up', async () => {
    const PRODUCERS = 2;
    const CONSUMERS = 2;
    const ITEMS = 3_000; // per producer
    const SLOTS = 4;
    const lock = new Lock();
    const notFull = new Condition(lock);
    const notEmpty = new Condition(lock);
    // [0] count, [1] head, [2] tail, [3] taken, then the ring of SLOTS
    const buffer = new SharedArrayBuffer((4 + SLOTS) * 4);
    const seen = new Int32Array(new SharedArrayBuffer(PRODUCERS * ITEMS * 4));
    const gate = new StartGate();
    const run = startWorkers<number>(
      PRODUCERS + CONSUMERS,
      `
      const notFull = lib.Condition.from(data.notFull);
      const notEmpty = lib.Condition.from(data.notEmpty);
      const lock = notFull.lock; // the same lock as notEmpty.lock
      const state = new Int32Array(data.buffer);
      const ring = state.subarray(4);
      const total = data.producers * data.items;
      const seen = new Int32Array(data.seen);
      ${StartGate.ARRIVE}
      const wait = (condition) => { if (!condition.wait(5000)) throw new Error('a wait timed out: lost wake-up?'); };
      if (workerIndex < data.producers) {
        for (let i = 0; i < data.items; i++) {
          lock.acquire();
          while (state[0] === ring.length) wait(notFull);
          ring[state[2]] = workerIndex * data.items + i;
          state[2] = (state[2] + 1) % ring.length;
          state[0]++;
          notEmpty.notify();
          lock.release();
        }
        return data.items;
      }
      let taken = 0;
      for (;;) {
        lock.acquire();
        while (state[0] === 0 && state[3] < total) wait(notEmpty);
        if (state[3] === total) { lock.release(); return taken; }
        const item = ring[state[1]];
        state[1] = (state[1] + 1) % ring.length;
        state[0]--;
        state[3]++;
        if (state[3] === total) notEmpty.notifyAll(); // the other consumers can stop
        notFull.notify();
        lock.release();
        Atomics.add(seen, item, 1);
        taken++;
      }
      `,
      {
        notFull: notFull.handle,
        notEmpty: notEmpty.handle,
        buffer,
        seen: seen.buffer,
        gate: gate.buffer,
        producers: PRODUCERS,
        items: ITEMS,
      },
      20_000,
    );
    await gate.openWhenArrived(PRODUCERS + CONSUMERS).catch(() => undefined);
    const counts = await run.results;
    const consumed = counts.slice(PRODUCERS).reduce((sum, n) => sum + n, 0);
    assert.equal(consumed, PRODUCERS * ITEMS);
    const wrong = seen.findIndex((times) => times !== 1);
    assert.equal(wrong, -1, `item ${wrong} was received ${seen[wrong]} times`);
    assert.equal(lock.locked, false);
    assert.equal(notEmpty.waiterCount + notFull.waiterCount, 0);
  });

  it('wait and notify need the lock; blocking wait is refused on the main thread', async () => {
    const condition = new Condition();
    assert.throws(() => condition.notify(), /Condition\.notify\(\): the condition's lock must be held by this thread/);
    assert.throws(() => condition.notifyAll(), /lock must be held/);
    await assert.rejects(condition.waitAsync(10), /Condition\.waitAsync\(\): the condition's lock must be held/);
    assert.equal(condition.lock.tryAcquire(), true);
    assert.throws(() => condition.wait(10), /Condition\.wait\(\) blocks its thread and is not allowed on the main thread/);
    assert.equal(condition.lock.isHeldByCurrentThread, true, 'the refused wait did not release the lock');
    assert.throws(() => condition.notify(0), { message: 'count must be an integer >= 1 (or Infinity), got 0' });
    await assert.rejects(condition.waitAsync(-1), /timeout must be a number of milliseconds >= 0/);
    condition.lock.release();
    assert.throws(
      () => new Condition({} as Lock),
      (error: Error) => error instanceof TypeError && /^lock must be a Lock/.test(error.message),
    );
    assert.throws(
      () => Condition.from({ kind: 'Lock', sab: new SharedArrayBuffer(64), index: 0 } as never),
      /handle must be a Condition handle/,
    );
  });

  it('waitAsync that times out returns false and holds the lock again', async () => {
    const condition = new Condition();
    condition.lock.tryAcquire();
    assert.equal(await condition.waitAsync(30), false);
    assert.equal(condition.lock.isHeldByCurrentThread, true);
    assert.equal(condition.waiterCount, 0);
    condition.lock.release();
  });

  it('main thread waitForAsync is woken by a worker notify, and re-checks its predicate', async () => {
    const condition = new Condition();
    const state = new Int32Array(new SharedArrayBuffer(4));
    condition.lock.tryAcquire();
    const run = startWorkers(
      1,
      `
      const condition = lib.Condition.from(data.condition);
      const state = new Int32Array(data.state);
      for (let step = 1; step <= 3; step++) {   // two wake-ups where the predicate is still false
        if (!condition.lock.acquire(5000)) throw new Error('no lock');
        state[0] = step;
        condition.notify();
        condition.lock.release();
      }
      `,
      { condition: condition.handle, state: state.buffer },
    );
    try {
      const ok = await condition.waitForAsync(() => state[0] === 3, 5000);
      assert.equal(ok, true);
      assert.equal(state[0], 3);
      assert.equal(condition.lock.isHeldByCurrentThread, true);
    } finally {
      if (condition.lock.isHeldByCurrentThread) condition.lock.release();
      await run.results;
    }
  });
});
