import assert from 'node:assert/strict';
import { threadId } from 'node:worker_threads';
import { Lock } from '../../src/05-races-and-locks/shared-lock.js';
import { runInWorkers, startWorkers, StartGate, until } from './shared-workers.js';

describe('Lock (shared memory)', () => {
  it('4 workers x 20,000 plain read-modify-write increments under the Lock lose nothing', async () => {
    const WORKERS = 4;
    const INCREMENTS = 20_000;
    const lock = new Lock();
    const counter = new Int32Array(new SharedArrayBuffer(4));
    const gate = new StartGate();
    const run = startWorkers(
      WORKERS,
      `
      const lock = lib.Lock.from(data.lock);
      const counter = new Int32Array(data.counter);
      ${StartGate.ARRIVE}
      for (let i = 0; i < data.increments; i++) {
        if (!lock.acquire(5000)) throw new Error('acquire timed out');
        const seen = counter[0];   // a plain read ...
        counter[0] = seen + 1;     // ... and a plain write: a lost update without the lock
        lock.release();
      }
      `,
      { lock: lock.handle, counter: counter.buffer, gate: gate.buffer, increments: INCREMENTS },
      25_000,
    );
    await gate.openWhenArrived(WORKERS).catch(() => undefined);
    await run.results;
    assert.equal(counter[0], WORKERS * INCREMENTS);
    assert.equal(lock.locked, false);
    assert.equal(lock.waiterCount, 0);
    assert.deepEqual(lock.waiters, []);
  });

  it('records its holder; not re-entrant; only the holder may release', () => {
    const lock = new Lock();
    assert.equal(lock.holder, undefined);
    assert.throws(() => lock.release(), { message: 'Lock.release(): the lock is not held' });
    assert.equal(lock.tryAcquire(), true);
    assert.equal(lock.holder, threadId);
    assert.equal(lock.isHeldByCurrentThread, true);
    assert.throws(() => lock.tryAcquire(), /already held by this thread \(thread 0; not re-entrant\)/);
    lock.release();
    assert.equal(lock.locked, false);
    assert.equal(lock.holder, undefined);
    assert.throws(() => lock.release(), /not held/);
  });

  it('acquireAsync by the holding thread is refused (re-entry), as a rejection', async () => {
    const lock = new Lock();
    assert.equal(lock.tryAcquire(), true);
    await assert.rejects(lock.acquireAsync(100), /already held by this thread/);
    lock.release();
  });

  it('blocking acquire() is refused on the main thread (it would freeze the event loop)', () => {
    const lock = new Lock();
    assert.throws(() => lock.acquire(), /Lock\.acquire\(\) blocks its thread and is not allowed on the main thread.*acquireAsync/);
    assert.equal(lock.locked, false, 'the refused call took nothing');
  });

  it('a release by another thread is an Error naming the holder', async () => {
    const lock = new Lock();
    assert.equal(lock.tryAcquire(), true);
    try {
      const [message] = await runInWorkers<string>(
        1,
        `try { lib.Lock.from(data.lock).release(); return 'no error'; } catch (error) { return error.message; }`,
        { lock: lock.handle },
      );
      assert.match(message, /^Lock\.release\(\): the lock is held by thread 0, not by this thread \(\d+\)$/);
      assert.equal(lock.holder, 0, 'still held by the main thread');
    } finally {
      lock.release();
    }
  });

  it('a waiting worker appears in waiters (for a wait-for graph) and acquire(timeout) returns false', async () => {
    const lock = new Lock();
    assert.equal(lock.tryAcquire(), true);
    try {
      const run = startWorkers<boolean>(1, `return lib.Lock.from(data.lock).acquire(300);`, { lock: lock.handle });
      const [workerId] = run.threadIds;
      await until(() => lock.waiters.includes(workerId), 'the worker to wait').catch((error) => error);
      const sawWaiter = lock.waiters.includes(workerId);
      const [acquired] = await run.results;
      assert.equal(sawWaiter, true, 'waiters listed the worker while it waited');
      assert.equal(acquired, false);
      assert.deepEqual(lock.waiters, [], 'the timed-out waiter is gone');
      assert.equal(lock.waiterCount, 0);
      assert.equal(lock.holder, 0);
    } finally {
      lock.release();
    }
  });

  it('main thread acquireAsync while a worker holds the lock: the event loop keeps running', async () => {
    const lock = new Lock();
    const releaseFlag = new Int32Array(new SharedArrayBuffer(4));
    const run = startWorkers<string>(
      1,
      `
      const lock = lib.Lock.from(data.lock);
      const flag = new Int32Array(data.flag);
      lock.acquire(5000);
      // Hold the lock until the main thread, *while it waits for this lock*, says so.
      const outcome = Atomics.wait(flag, 0, 0, 10000);
      lock.release();
      return outcome;
      `,
      { lock: lock.handle, flag: releaseFlag.buffer },
    );
    try {
      await until(() => lock.locked, 'the worker to take the lock');
      let ticks = 0;
      const ticker = setInterval(() => {
        ticks++;
        if (ticks === 5) {
          Atomics.store(releaseFlag, 0, 1);
          Atomics.notify(releaseFlag, 0);
        }
      }, 10);
      let acquired: boolean;
      try {
        acquired = await lock.acquireAsync(10_000);
      } finally {
        clearInterval(ticker);
      }
      // Only a timer on this thread could let the worker go: had acquireAsync blocked,
      // it would have timed out.
      assert.equal(acquired, true);
      assert.equal(ticks, 5);
      assert.equal(lock.holder, 0);
      lock.release();
    } finally {
      Atomics.store(releaseFlag, 0, 1);
      Atomics.notify(releaseFlag, 0);
      const [outcome] = await run.results;
      assert.equal(outcome, 'ok');
    }
  });

  it('acquireAsync times out (false) while a worker holds the lock, and the lock still works after', async () => {
    const lock = new Lock();
    const releaseFlag = new Int32Array(new SharedArrayBuffer(4));
    const run = startWorkers(
      1,
      `const lock = lib.Lock.from(data.lock); lock.acquire(5000);
       Atomics.wait(new Int32Array(data.flag), 0, 0, 10000); lock.release();`,
      { lock: lock.handle, flag: releaseFlag.buffer },
    );
    try {
      await until(() => lock.locked, 'the worker to take the lock');
      assert.equal(await lock.acquireAsync(50), false);
      assert.equal(lock.waiterCount, 0);
    } finally {
      Atomics.store(releaseFlag, 0, 1);
      Atomics.notify(releaseFlag, 0);
      await run.results;
    }
    assert.equal(await lock.acquireAsync(1000), true);
    lock.release();
  });

  it('bad input: timeouts and handles are checked and named', async () => {
    const lock = new Lock();
    await assert.rejects(
      lock.acquireAsync(-1),
      (error: Error) =>
        error instanceof RangeError && /^timeout must be a number of milliseconds >= 0 \(or Infinity\), got -1$/.test(error.message),
    );
    await assert.rejects(lock.acquireAsync(Number.NaN), /timeout must be .* got NaN/);
    assert.throws(
      () => Lock.from({ kind: 'Event', sab: new SharedArrayBuffer(4), index: 0 } as never),
      (error: Error) => error instanceof TypeError && /^handle must be a Lock handle/.test(error.message),
    );
    assert.throws(() => Lock.from({ kind: 'Lock', sab: new ArrayBuffer(200), index: 0 } as never), /handle must be a Lock handle/);
    assert.throws(() => Lock.from({ kind: 'Lock', sab: new SharedArrayBuffer(8), index: 0 }), /handle must be a Lock handle/, 'too small');
    assert.equal(lock.locked, false);
    // A handle is plain data: the same memory seen twice.
    const twin = Lock.from(lock.handle);
    assert.equal(twin.tryAcquire(), true);
    assert.equal(lock.locked, true);
    lock.release();
  });
});
