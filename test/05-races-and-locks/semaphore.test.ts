import assert from 'node:assert/strict';
import { Semaphore } from '../../src/05-races-and-locks/semaphore.js';
import { runInWorkers, startWorkers, StartGate, until } from './shared-workers.js';

describe('Semaphore (shared memory)', () => {
  it('initial must be an integer >= 0, and the error names it', () => {
    for (const initial of [-1, 1.5, Number.NaN, Infinity, '2']) {
      assert.throws(
        () => new Semaphore(initial as number),
        (error: Error) => error instanceof RangeError && /^initial must be an integer >= 0, got /.test(error.message),
      );
    }
    assert.throws(() => new Semaphore(-1), { message: 'initial must be an integer >= 0, got -1' });
    assert.equal(new Semaphore(0).available, 0);
  });

  it('release(count) checks count and loses no permit', () => {
    const semaphore = new Semaphore(1);
    assert.throws(() => semaphore.release(0), { message: 'count must be an integer >= 1, got 0' });
    assert.throws(() => semaphore.release(1.5), /count must be an integer >= 1, got 1.5/);
    assert.equal(semaphore.available, 1, 'the refused releases added nothing');
    semaphore.release(2);
    assert.equal(semaphore.available, 3);
  });

  it('4 workers on Semaphore(2): never more than 2 holders at once, every pass counted', async () => {
    const BOUND = 2;
    const WORKERS = 4;
    const PASSES = 3_000;
    const semaphore = new Semaphore(BOUND);
    // [0] holders now, [1] most holders ever seen, [2] passes
    const stats = new Int32Array(new SharedArrayBuffer(12));
    const gate = new StartGate();
    const run = startWorkers(
      WORKERS,
      `
      const semaphore = lib.Semaphore.from(data.semaphore);
      const stats = new Int32Array(data.stats);
      ${StartGate.ARRIVE}
      for (let i = 0; i < data.passes; i++) {
        if (!semaphore.acquire(5000)) throw new Error('acquire timed out');
        const holders = Atomics.add(stats, 0, 1) + 1;
        for (let seen = Atomics.load(stats, 1); holders > seen; seen = Atomics.load(stats, 1)) {
          if (Atomics.compareExchange(stats, 1, seen, holders) === seen) break;
        }
        for (let spin = 0; spin < 50; spin++) Atomics.load(stats, 2); // stay inside a little
        Atomics.add(stats, 2, 1);
        Atomics.sub(stats, 0, 1);
        semaphore.release();
      }
      `,
      { semaphore: semaphore.handle, stats: stats.buffer, gate: gate.buffer, passes: PASSES },
    );
    await gate.openWhenArrived(WORKERS).catch(() => undefined);
    await run.results;
    assert.ok(stats[1] <= BOUND, `at most ${BOUND} holders at once, saw ${stats[1]}`);
    assert.ok(stats[1] >= 1);
    assert.equal(stats[2], WORKERS * PASSES);
    assert.equal(semaphore.available, BOUND, 'every permit came back');
    assert.equal(semaphore.waiterCount, 0);
  });

  it('tryAcquire takes only free permits', () => {
    const semaphore = new Semaphore(2);
    assert.equal(semaphore.tryAcquire(), true);
    assert.equal(semaphore.tryAcquire(), true);
    assert.equal(semaphore.tryAcquire(), false);
    assert.equal(semaphore.available, 0);
    semaphore.release(2);
    assert.equal(semaphore.available, 2);
  });

  it('main thread acquireAsync waits for a worker to release, without blocking the event loop', async () => {
    const semaphore = new Semaphore(0);
    const pending = semaphore.acquireAsync(5000);
    let ticked = false;
    const timer = setTimeout(() => (ticked = true), 1);
    await until(() => ticked && semaphore.waiterCount === 1, 'the async waiter').finally(() => clearTimeout(timer));
    await runInWorkers(1, `lib.Semaphore.from(data.semaphore).release();`, { semaphore: semaphore.handle });
    assert.equal(await pending, true);
    assert.equal(semaphore.available, 0, 'the released permit went to the waiter');
    assert.equal(await semaphore.acquireAsync(20), false, 'times out with no permit');
    assert.equal(semaphore.waiterCount, 0);
  });

  it('a worker acquire(timeout) returns false when no permit comes; blocking acquire is refused on the main thread', async () => {
    const semaphore = new Semaphore(0);
    const [acquired] = await runInWorkers<boolean>(1, `return lib.Semaphore.from(data.semaphore).acquire(50);`, {
      semaphore: semaphore.handle,
    });
    assert.equal(acquired, false);
    assert.throws(() => semaphore.acquire(10), /not allowed on the main thread.*acquireAsync/);
    await assert.rejects(semaphore.acquireAsync(-5), /timeout must be a number of milliseconds >= 0/);
    assert.throws(
      () => Semaphore.from({ kind: 'Lock', sab: new SharedArrayBuffer(64), index: 0 } as never),
      /handle must be a Semaphore handle/,
    );
  });
});
