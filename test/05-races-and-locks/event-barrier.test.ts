import assert from 'node:assert/strict';
import { Barrier, BrokenBarrierError } from '../../src/05-races-and-locks/barrier.js';
import { Event } from '../../src/05-races-and-locks/event.js';
import { runInWorkers, startWorkers, until } from './shared-workers.js';

describe('Event (shared memory)', () => {
  it('set() wakes waiting workers; a wait on an unset event times out with false', async () => {
    const event = new Event();
    const run = startWorkers<boolean>(2, `return lib.Event.from(data.event).wait(5000);`, { event: event.handle });
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(event.isSet(), false);
    event.set();
    assert.deepEqual(await run.results, [true, true]);
    event.clear();
    assert.equal(event.isSet(), false);
    const [late] = await runInWorkers<boolean>(1, `return lib.Event.from(data.event).wait(30);`, { event: event.handle });
    assert.equal(late, false);
  });

  it('waitAsync on the main thread resolves when a worker sets the event; blocking wait is refused there', async () => {
    const event = new Event();
    assert.throws(() => event.wait(), /Event\.wait\(\) blocks its thread .*waitAsync/);
    assert.equal(await event.waitAsync(20), false);
    const waiting = event.waitAsync(5000);
    await runInWorkers(1, `lib.Event.from(data.event).set();`, { event: event.handle });
    assert.equal(await waiting, true);
    assert.equal(await event.waitAsync(0), true, 'already set: no wait');
    await assert.rejects(event.waitAsync(-3), /timeout must be a number of milliseconds >= 0/);
  });
});

describe('Barrier (shared memory)', () => {
  it('parties must be an integer from 1 to 65535, and the error names it', () => {
    for (const parties of [0, -1, 1.5, Number.NaN, '3']) {
      assert.throws(
        () => new Barrier(parties as number),
        (error: Error) => error instanceof RangeError && /^parties must be an integer >= 1, got /.test(error.message),
      );
    }
    assert.throws(() => new Barrier(0), { message: 'parties must be an integer >= 1, got 0' });
    assert.throws(() => new Barrier(70_000), { message: 'parties must be at most 65535, got 70000' });
    assert.equal(new Barrier(3).parties, 3);
  });

  it('3 workers reuse one barrier for 300 rounds: nobody passes early, arrival indices 0..2 each round', async () => {
    const PARTIES = 3;
    const ROUNDS = 300;
    const barrier = new Barrier(PARTIES);
    const arrivals = new Int32Array(new SharedArrayBuffer(ROUNDS * 4));
    const indices = new Int32Array(new SharedArrayBuffer(ROUNDS * PARTIES * 4));
    const early = await runInWorkers<number>(
      PARTIES,
      `
      const barrier = lib.Barrier.from(data.barrier);
      const arrivals = new Int32Array(data.arrivals);
      const indices = new Int32Array(data.indices);
      let early = 0;
      for (let round = 0; round < data.rounds; round++) {
        Atomics.add(arrivals, round, 1);
        const index = barrier.wait(5000);
        Atomics.add(indices, round * data.parties + index, 1);
        if (Atomics.load(arrivals, round) !== data.parties) early++;
      }
      return early;
      `,
      { barrier: barrier.handle, arrivals: arrivals.buffer, indices: indices.buffer, rounds: ROUNDS, parties: PARTIES },
      20_000,
    );
    assert.deepEqual(early, [0, 0, 0], 'no worker left a round before all had arrived');
    assert.ok(arrivals.every((count) => count === PARTIES));
    const wrong = indices.findIndex((times) => times !== 1);
    assert.equal(wrong, -1, `round ${Math.floor(wrong / PARTIES)}: index ${wrong % PARTIES} returned ${indices[wrong]} times`);
    assert.equal(barrier.arrived, 0);
    assert.equal(barrier.broken, false);
  });

  it('the main thread takes part with waitAsync, round after round', async () => {
    const ROUNDS = 50;
    const barrier = new Barrier(3);
    const run = startWorkers(
      2,
      `const barrier = lib.Barrier.from(data.barrier); for (let i = 0; i < data.rounds; i++) barrier.wait(5000);`,
      { barrier: barrier.handle, rounds: ROUNDS },
    );
    const seenIndices = new Set<number>();
    try {
      for (let round = 0; round < ROUNDS; round++) seenIndices.add(await barrier.waitAsync(5000));
    } finally {
      await run.results;
    }
    assert.ok([...seenIndices].every((index) => index >= 0 && index < 3));
    assert.equal(barrier.broken, false);
  });

  it('a wait that times out breaks the barrier for everyone', async () => {
    const barrier = new Barrier(3);
    const run = startWorkers<string>(
      1,
      `try { lib.Barrier.from(data.barrier).wait(5000); return 'passed'; } catch (error) { return error.name + ': ' + error.message; }`,
      { barrier: barrier.handle },
    );
    try {
      await until(() => barrier.arrived === 1, 'the worker to arrive');
      await assert.rejects(
        barrier.waitAsync(30),
        (error: Error) => error instanceof BrokenBarrierError && /timed out with 2 of 3 arrived/.test(error.message),
      );
    } finally {
      const [workerOutcome] = await run.results;
      assert.match(workerOutcome, /^BrokenBarrierError: .*barrier is broken/, 'the waiting worker was woken with the error');
    }
    assert.equal(barrier.broken, true);
    await assert.rejects(barrier.waitAsync(1000), /the barrier is broken/);
    assert.throws(() => barrier.wait(), /not allowed on the main thread/);
  });
});
