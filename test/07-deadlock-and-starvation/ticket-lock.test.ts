import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { threadId } from 'node:worker_threads';
import { TestAndSetLock } from '../../src/07-deadlock-and-starvation/test-and-set-lock.js';
import { TICKET_LOCK_MAX_QUEUE, TicketLock } from '../../src/07-deadlock-and-starvation/ticket-lock.js';
import { compiledEntry } from '../../src/paths.js';
import { startWorkers, StartGate, until } from '../05-races-and-locks/shared-workers.js';

/** The compiled lock modules, for worker bodies: `const { TicketLock } = await import(data.ticketUrl)`. */
const ticketUrl = pathToFileURL(compiledEntry('07-deadlock-and-starvation/ticket-lock.ts')).href;
const tasUrl = pathToFileURL(compiledEntry('07-deadlock-and-starvation/test-and-set-lock.ts')).href;

/** Worker body: `data.increments` plain read-modify-write increments, each under the lock. */
const INCREMENT_BODY = `
  const { TicketLock } = await import(data.ticketUrl);
  const { TestAndSetLock } = await import(data.tasUrl);
  const lock = data.kind === 'ticket' ? TicketLock.from(data.lock) : TestAndSetLock.from(data.lock);
  const counter = new Int32Array(data.counter);
  ${StartGate.ARRIVE}
  for (let i = 0; i < data.increments; i++) {
    if (!lock.acquire(10000)) throw new Error('acquire timed out');
    const seen = counter[0];   // a plain read ...
    counter[0] = seen + 1;     // ... and a plain write: a lost update without the lock
    lock.release();
  }
`;

async function stressIncrements(kind: 'ticket' | 'test-and-set', lock: TicketLock | TestAndSetLock): Promise<number> {
  const WORKERS = 4;
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const gate = new StartGate();
  const run = startWorkers(
    WORKERS,
    INCREMENT_BODY,
    { kind, lock: lock.handle, counter: counter.buffer, gate: gate.buffer, increments: 5000, ticketUrl, tasUrl },
    15_000,
  );
  await gate.openWhenArrived(WORKERS).catch(() => undefined);
  await run.results;
  return counter[0];
}

describe('TicketLock', () => {
  it('4 workers x 5,000 plain increments under the TicketLock lose nothing', async () => {
    const lock = new TicketLock();
    assert.equal(await stressIncrements('ticket', lock), 20_000);
    assert.equal(lock.locked, false);
    assert.equal(lock.nowServing, 20_000);
    assert.equal(lock.nextTicket, 20_000);
  });

  it('serves threads in the order they drew their tickets (FIFO)', async () => {
    const lock = new TicketLock();
    assert.equal(lock.tryAcquire(), true); // the main thread holds ticket 0 while the line forms
    const drawOrder = [3, 1, 4, 0, 2];
    const served = new Int32Array(new SharedArrayBuffer(4 * (drawOrder.length + 1)));
    const run = startWorkers(
      drawOrder.length,
      `
      const { TicketLock } = await import(data.ticketUrl);
      const lock = TicketLock.from(data.lock);
      const served = new Int32Array(data.served);
      const nap = new Int32Array(new SharedArrayBuffer(4));
      // Draw a ticket only when it is this worker's turn in drawOrder (ticket 0 is the main thread's).
      const myTicket = 1 + data.drawOrder.indexOf(workerIndex);
      while (lock.nextTicket !== myTicket) Atomics.wait(nap, 0, 0, 1);
      if (!lock.acquire(10000)) throw new Error('acquire timed out');
      served[1 + Atomics.add(served, 0, 1)] = workerIndex;
      lock.release();
      `,
      { lock: lock.handle, served: served.buffer, drawOrder, ticketUrl },
    );
    try {
      await until(() => lock.nextTicket === 1 + drawOrder.length, 'every worker in line');
      assert.equal(lock.waiterCount, drawOrder.length);
    } finally {
      lock.release();
    }
    await run.results;
    assert.deepEqual([...served.subarray(1)], drawOrder);
    assert.equal(lock.locked, false);
  });

  it('a waiter that times out leaves the line without stopping it', async () => {
    const lock = new TicketLock();
    assert.equal(lock.tryAcquire(), true);
    const run = startWorkers<boolean>(
      2,
      `
      const { TicketLock } = await import(data.ticketUrl);
      const lock = TicketLock.from(data.lock);
      const nap = new Int32Array(new SharedArrayBuffer(4));
      if (workerIndex === 0) return lock.acquire(50); // ticket 1: gives up after 50 ms
      while (lock.nextTicket !== 2) Atomics.wait(nap, 0, 0, 1);
      const got = lock.acquire(10000); // ticket 2: must still be served
      if (got) lock.release();
      return got;
      `,
      { lock: lock.handle, ticketUrl },
    );
    try {
      await until(() => lock.nextTicket === 3, 'both workers in line');
      await new Promise((resolve) => setTimeout(resolve, 150)); // ticket 1 gives up meanwhile
    } finally {
      lock.release();
    }
    assert.deepEqual(await run.results, [false, true]);
    assert.equal(lock.locked, false);
    assert.equal(lock.nowServing, 3);
  });

  it('stays correct when many waiters give up at random (abandoned tickets are skipped)', async () => {
    const WORKERS = 4;
    const lock = new TicketLock();
    const counter = new Int32Array(new SharedArrayBuffer(4));
    const gate = new StartGate();
    const run = startWorkers<number>(
      WORKERS,
      `
      const { TicketLock } = await import(data.ticketUrl);
      const lock = TicketLock.from(data.lock);
      const counter = new Int32Array(data.counter);
      ${StartGate.ARRIVE}
      let successes = 0;
      for (let i = 0; i < 3000; i++) {
        if (!lock.acquire(Math.random() < 0.5 ? 0 : Math.random() * 0.2)) continue;
        const seen = counter[0];
        for (let spin = 0; spin < 50; spin++);
        counter[0] = seen + 1;
        lock.release();
        successes++;
      }
      return successes;
      `,
      { lock: lock.handle, counter: counter.buffer, gate: gate.buffer, ticketUrl },
    );
    await gate.openWhenArrived(WORKERS).catch(() => undefined);
    const successes = await run.results;
    const total = successes.reduce((a, b) => a + b, 0);
    assert.ok(total > 0);
    assert.equal(counter[0], total);
    assert.equal(lock.locked, false, 'every ticket drawn was served or skipped');
  });

  it('a line full of abandoned tickets makes newcomers wait for room, and one release skips them all', async () => {
    const lock = new TicketLock();
    assert.equal(lock.tryAcquire(), true);
    const run = startWorkers<number>(
      1,
      `
      const { TicketLock } = await import(data.ticketUrl);
      const lock = TicketLock.from(data.lock);
      let got = 0;
      for (let i = 0; i < 2 * data.max; i++) if (lock.acquire(0)) got++;
      return got;
      `,
      { lock: lock.handle, ticketUrl, max: TICKET_LOCK_MAX_QUEUE },
    );
    let results: number[];
    try {
      results = await run.results;
    } finally {
      lock.release();
    }
    assert.deepEqual(results, [0]);
    assert.equal(lock.nextTicket, TICKET_LOCK_MAX_QUEUE - 1, 'no ticket was drawn past the ring');
    assert.equal(lock.locked, false, 'the release skipped every abandoned ticket');
    assert.equal(lock.nowServing, lock.nextTicket);
  });

  it('on the main thread: no blocking acquire, acquireAsync instead; not re-entrant; only the holder releases', async () => {
    const lock = new TicketLock();
    assert.throws(() => lock.acquire(10), /TicketLock\.acquire\(\) blocks its thread and is not allowed on the main thread/);
    assert.throws(() => lock.release(), /TicketLock\.release\(\): the lock is not held/);
    assert.equal(await lock.acquireAsync(100), true);
    assert.equal(lock.holder, threadId);
    assert.equal(lock.isHeldByCurrentThread, true);
    assert.throws(() => lock.tryAcquire(), /already held by this thread/);
    await assert.rejects(lock.acquireAsync(10), /already held by this thread/);
    lock.release();
    assert.equal(lock.holder, undefined);
    assert.equal(lock.tryAcquire(), true);
    lock.release();
  });

  it('acquireAsync times out (false) while a worker holds the lock, and the line goes on', async () => {
    const lock = new TicketLock();
    const release = new Int32Array(new SharedArrayBuffer(4));
    const run = startWorkers(
      1,
      `
      const { TicketLock } = await import(data.ticketUrl);
      const lock = TicketLock.from(data.lock);
      lock.acquire(5000);
      Atomics.wait(new Int32Array(data.release), 0, 0, 5000);
      lock.release();
      `,
      { lock: lock.handle, release: release.buffer, ticketUrl },
    );
    try {
      await until(() => lock.holder !== undefined, 'the worker to hold the lock');
      assert.equal(await lock.acquireAsync(30), false);
      const later = lock.acquireAsync(5000);
      Atomics.store(release, 0, 1);
      Atomics.notify(release, 0);
      assert.equal(await later, true);
      lock.release();
    } finally {
      Atomics.store(release, 0, 1);
      Atomics.notify(release, 0);
      await run.results;
    }
  });

  it('rejects bad handles and timeouts with named errors', async () => {
    assert.throws(() => TicketLock.from({ kind: 'Lock' } as never), /handle must be a TicketLock handle/);
    await assert.rejects(new TicketLock().acquireAsync(-1), /timeout must be a number of milliseconds >= 0/);
    assert.ok(TICKET_LOCK_MAX_QUEUE >= 64);
  });
});

describe('TestAndSetLock (unfair, but a correct lock)', () => {
  it('4 workers x 5,000 plain increments under it lose nothing', async () => {
    const lock = new TestAndSetLock();
    assert.equal(await stressIncrements('test-and-set', lock), 20_000);
    assert.equal(lock.locked, false);
  });

  it('on the main thread: tryAcquire, acquireAsync, not re-entrant, only the holder releases', async () => {
    const lock = new TestAndSetLock();
    assert.throws(() => lock.acquire(), /not allowed on the main thread/);
    assert.equal(lock.tryAcquire(), true);
    assert.equal(lock.holder, threadId);
    assert.throws(() => lock.tryAcquire(), /already held by this thread/);
    lock.release();
    assert.throws(() => lock.release(), /does not hold the lock/);
    assert.equal(await lock.acquireAsync(100), true);
    lock.release();
    assert.throws(() => TestAndSetLock.from({} as never), /handle must be a TestAndSetLock handle/);
  });
});
