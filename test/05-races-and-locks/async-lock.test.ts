import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { AsyncLock, AsyncSemaphore, AcquireTimeoutError } from '../../src/05-races-and-locks/async-lock.js';

/** A check-then-act on one thread, with an await in between (pitfall 3). */
async function withdraw(account: { balance: number }, amount: number): Promise<boolean> {
  if (account.balance < amount) return false;
  await sleep(1); // e.g. ask a fraud service: other tasks run here
  account.balance -= amount;
  return true;
}

describe('AsyncLock', () => {
  it('fixes an async check-then-act race: the balance never goes below zero', async () => {
    const unguarded = { balance: 100 };
    await Promise.all(Array.from({ length: 5 }, () => withdraw(unguarded, 60)));
    assert.ok(unguarded.balance < 0, 'without the lock the race happens (five checks pass before any act)');

    const lock = new AsyncLock();
    const guarded = { balance: 100 };
    const done = await Promise.all(Array.from({ length: 5 }, () => lock.runExclusive(() => withdraw(guarded, 60))));
    assert.equal(guarded.balance, 40);
    assert.deepEqual(done, [true, false, false, false, false]);
    assert.equal(lock.isLocked, false);
  });

  it('serves waiters in FIFO order', async () => {
    const lock = new AsyncLock();
    const order: number[] = [];
    const release = await lock.acquire();
    const tasks = [0, 1, 2, 3, 4].map((n) =>
      lock.runExclusive(async () => {
        order.push(n);
        await sleep(1);
      }),
    );
    assert.equal(lock.pendingCount, 5);
    assert.equal(lock.tryAcquire(), undefined, 'tryAcquire does not overtake the queue');
    release();
    await Promise.all(tasks);
    assert.deepEqual(order, [0, 1, 2, 3, 4]);
  });

  it('runExclusive releases when fn throws; a release function works once', async () => {
    const lock = new AsyncLock();
    await assert.rejects(
      lock.runExclusive(() => {
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal(lock.isLocked, false);
    const release = lock.tryAcquire();
    assert.ok(release);
    release();
    assert.throws(() => release(), { message: 'AsyncLock: this permit was already released' });
    assert.equal(lock.isLocked, false);
    await assert.rejects(lock.runExclusive(42 as never), /fn must be a function, got 42/);
  });

  it('timeout: the wait rejects with an AcquireTimeoutError, leaves the queue, and the others are served', async () => {
    const lock = new AsyncLock();
    const release = await lock.acquire();
    const impatient = lock.acquire({ timeout: 20 });
    const patient = lock.acquire({ timeout: 5_000 });
    await assert.rejects(
      impatient,
      (error: Error) => error instanceof AcquireTimeoutError && error.message === 'AsyncLock.acquire() timed out after 20 ms',
    );
    assert.equal(lock.pendingCount, 1);
    release();
    const second = await patient; // served, and its timer is cleared (the harness checks for ref'd timers)
    second();
    assert.equal(lock.isLocked, false);
    await assert.rejects(lock.acquire({ timeout: -1 }), /^RangeError: timeout must be a number of milliseconds >= 0/);
  });

  it('AbortSignal: an abort withdraws the wait; an aborted signal rejects at once', async () => {
    const lock = new AsyncLock();
    const release = await lock.acquire();
    const controller = new AbortController();
    const waiting = lock.acquire({ signal: controller.signal });
    controller.abort(new Error('user gave up'));
    await assert.rejects(waiting, /user gave up/);
    assert.equal(lock.pendingCount, 0);
    await assert.rejects(lock.acquire({ signal: AbortSignal.abort(new Error('too late')) }), /too late/);
    await assert.rejects(lock.acquire({ signal: 'stop' as never }), /signal must be an AbortSignal, got stop/);
    release();
    assert.equal(lock.isLocked, false, 'the withdrawn waiter did not get the lock');
  });
});

describe('AsyncSemaphore', () => {
  it('permits must be an integer >= 0, and the error names it', () => {
    for (const permits of [-1, 0.5, Number.NaN, '1']) {
      assert.throws(
        () => new AsyncSemaphore(permits as number),
        (error: Error) => error instanceof RangeError && /^permits must be an integer >= 0, got /.test(error.message),
      );
    }
  });

  it('never more than `permits` tasks inside at once, and every task runs', async () => {
    const semaphore = new AsyncSemaphore(3);
    let inside = 0;
    let most = 0;
    let ran = 0;
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        semaphore.runExclusive(async () => {
          inside++;
          most = Math.max(most, inside);
          await sleep(i % 3);
          inside--;
          ran++;
        }),
      ),
    );
    assert.equal(most, 3);
    assert.equal(ran, 20);
    assert.equal(semaphore.available, 3);
  });

  it('a semaphore of 0 permits waits until one is released', async () => {
    const semaphore = new AsyncSemaphore(0);
    assert.equal(semaphore.tryAcquire(), undefined);
    await assert.rejects(semaphore.acquire({ timeout: 10 }), /AsyncSemaphore\.acquire\(\) timed out after 10 ms/);
    assert.equal(semaphore.pendingCount, 0);
  });
});
