/**
 * Tests of the Atomics mutex. The threads that contend for it are real worker
 * threads: each loads mutex.js itself (the compiled file beside this one, as
 * the grader runs it), rebuilds the mutex from its handle, and runs a small
 * scenario. The kit's startIsolatedWorker keeps each scenario and its answer
 * out of reach of the code it tests.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Worker } from 'node:worker_threads';
import { startIsolatedWorker } from 'course-kit/grader/testing';
import { Mutex } from './mutex.js';

interface Started {
  /** The scenario's result (rejects with the worker's error, or when the worker does not answer in time). */
  result: Promise<unknown>;
  worker: Worker;
}

/** Starts a worker running scenario `body` (JavaScript source of `({ Mutex }, data) => result`). */
function startScenario(body: string, data: unknown, timeoutMs = 5000): Started {
  return startIsolatedWorker({ module: new URL('./mutex.js', import.meta.url), scenario: body, data, timeoutMs });
}

/** Runs `body` with the started workers, and always terminates them. */
async function withWorkers(started: Started[], body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } finally {
    await Promise.all(started.map(({ worker }) => worker.terminate()));
  }
}

/** Cells: [0] the counter (updated WITHOUT atomics), [1] threads inside now, [2] times two were inside, [3] threads ready. */
const COUNT_SCENARIO = `({ Mutex }, { handle, cells, iterations, threads }) => {
  const mutex = Mutex.from(handle);
  const c = new Int32Array(cells);
  Atomics.add(c, 3, 1);
  while (Atomics.load(c, 3) < threads) Atomics.wait(c, 3, Atomics.load(c, 3), 1); // start together
  for (let i = 0; i < iterations; i++) {
    mutex.lock();
    if (Atomics.add(c, 1, 1) !== 0) Atomics.add(c, 2, 1);
    c[0] = c[0] + 1; // a plain read-modify-write: only the mutex keeps it safe
    Atomics.sub(c, 1, 1);
    mutex.unlock();
  }
  return 'done';
}`;

/** Tries what a thread that does not hold the mutex may try; reports what happened. */
const INTRUDER_SCENARIO = `({ Mutex }, { handle }) => {
  const mutex = Mutex.from(handle);
  let unlockError = '';
  try { mutex.unlock(); } catch (error) { unlockError = String(error.message); }
  return { unlockError, tryLock: mutex.tryLock(), holderAfter: mutex.holder };
}`;

/** Cells of the handoff: the round the main thread holds the mutex for, the round the worker is about to lock in, the round it got it in. */
const HELD = 0;
const ABOUT_TO_LOCK = 1;
const GOT_IT = 2;

/**
 * The handoff, round after round: once the main thread holds the mutex (cells[HELD]), say so
 * (cells[ABOUT_TO_LOCK]) and call lock() without a time limit: only an unlock() that wakes this
 * thread lets it in. Then check who holds it, unlock, and say so (cells[GOT_IT]).
 */
const HANDOFF_SCENARIO = `({ Mutex }, { handle, cells, rounds }) => {
  const mutex = Mutex.from(handle);
  const c = new Int32Array(cells);
  const heldByMe = [];
  for (let round = 1; round <= rounds; round++) {
    for (let held = Atomics.load(c, ${HELD}); held < round; held = Atomics.load(c, ${HELD})) Atomics.wait(c, ${HELD}, held);
    Atomics.store(c, ${ABOUT_TO_LOCK}, round);
    Atomics.notify(c, ${ABOUT_TO_LOCK});
    mutex.lock();
    heldByMe.push(mutex.holder === mutex.ownerId);
    mutex.unlock();
    Atomics.store(c, ${GOT_IT}, round);
    Atomics.notify(c, ${GOT_IT});
  }
  return heldByMe;
}`;

/** `Atomics.waitAsync` (in Node 20, not in TypeScript's ES2022 library): waits without blocking this thread. */
const waitAsync = (
  Atomics as unknown as { waitAsync(cells: Int32Array, index: number, value: number, ms: number): { async: boolean; value: unknown } }
).waitAsync;

/** Resolves once `cells[index]` has reached `value` (a worker's signal); rejects after `ms`. */
async function signaled(cells: Int32Array, index: number, value: number, what: string, ms = 6000): Promise<void> {
  const deadline = performance.now() + ms;
  for (let seen = Atomics.load(cells, index); seen < value; seen = Atomics.load(cells, index)) {
    const left = deadline - performance.now();
    if (left <= 0) throw new Error(`no signal within ${ms} ms: ${what}`);
    const wait = waitAsync(cells, index, seen, left);
    if (wait.async) await wait.value;
  }
}

describe('mutex', () => {
  it('tryLock takes a free mutex once; unlock frees it; unlocking a free mutex throws [1 pts]', () => {
    const mutex = Mutex.create();
    assert.equal(mutex.holder, 0);
    assert.equal(mutex.tryLock(), true);
    assert.equal(mutex.holder, mutex.ownerId);
    assert.equal(mutex.tryLock(), false, 'a held mutex cannot be taken again');
    mutex.unlock();
    assert.equal(mutex.holder, 0);
    assert.throws(() => mutex.unlock(), Error, 'unlocking a free mutex must throw');
    assert.equal(mutex.lock(0), true, 'lock() on a free mutex takes it at once');
    mutex.unlock();
  });

  it('4 workers x 10,000 increments under the mutex: nothing lost, never two threads inside [3 pts]', async function () {
    this.timeout(15000);
    const mutex = Mutex.create();
    const cells = new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT);
    const threads = 4;
    const iterations = 10_000;
    const started = Array.from({ length: threads }, () =>
      startScenario(COUNT_SCENARIO, { handle: mutex.handle, cells, iterations, threads }, 12000),
    );
    await withWorkers(started, async () => {
      await Promise.all(started.map(({ result }) => result));
      const c = new Int32Array(cells);
      assert.equal(c[2], 0, `two threads were inside the critical section together ${c[2]} times`);
      assert.equal(c[0], threads * iterations, `lost updates: ${threads * iterations - c[0]}`);
      assert.equal(mutex.holder, 0, 'the mutex is still held at the end');
    });
  });

  it('unlock by a thread that does not hold the mutex throws, and the mutex stays held [1 pts]', async function () {
    this.timeout(8000);
    const mutex = Mutex.create();
    assert.equal(mutex.tryLock(), true);
    const intruder = startScenario(INTRUDER_SCENARIO, { handle: mutex.handle });
    await withWorkers([intruder], async () => {
      const report = (await intruder.result) as { unlockError: string; tryLock: boolean; holderAfter: number };
      assert.notEqual(report.unlockError, '', 'unlock() in a thread that does not hold the mutex must throw');
      assert.equal(report.tryLock, false);
      assert.equal(report.holderAfter, mutex.ownerId, 'the main thread must still hold the mutex');
    });
    mutex.unlock();
  });

  it('a worker blocked in lock() gets the mutex as soon as the holder unlocks [2 pts]', async function () {
    this.timeout(12_000);
    const cell = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
    const mutex = new Mutex(cell);
    const cells = new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
    // No API tells whether a thread sleeps in Atomics.wait without waking it, so each round gives the
    // worker longer to fall asleep in lock(). A correct mutex passes whatever the timing; one whose
    // unlock() does not wake a sleeper fails in the first round that finds the worker asleep.
    const pausesMs = [1, 5, 20, 50, 100];
    const waiter = startScenario(HANDOFF_SCENARIO, { handle: mutex.handle, cells: cells.buffer, rounds: pausesMs.length }, 10_000);
    await withWorkers([waiter], async () => {
      for (const [index, pauseMs] of pausesMs.entries()) {
        const round = index + 1;
        assert.equal(mutex.tryLock(), true, 'the worker did not release the mutex');
        Atomics.store(cells, HELD, round);
        Atomics.notify(cells, HELD);
        await signaled(cells, ABOUT_TO_LOCK, round, 'the worker should call lock()');
        await sleep(pauseMs);
        assert.equal(Atomics.load(cells, GOT_IT), round - 1, 'lock() let the worker in while the main thread held the mutex');
        mutex.unlock();
        // Threads still asleep on the mutex's cell: unlock() must have woken the worker (this wakes it if not).
        assert.equal(Atomics.notify(cell, 0, 1), 0, 'unlock() left the worker asleep in lock(): it must wake a waiting thread');
        await signaled(cells, GOT_IT, round, 'the worker should get the mutex once it is unlocked');
      }
      assert.deepEqual(await waiter.result, new Array(pausesMs.length).fill(true), 'the worker held the mutex after lock()');
      assert.equal(mutex.holder, 0);
    });
  });

});
