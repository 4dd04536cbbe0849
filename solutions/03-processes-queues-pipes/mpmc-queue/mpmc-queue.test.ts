/**
 * Tests of the bounded MPMC queue: FIFO, the capacity bound and backpressure,
 * exactly-once delivery with many producers and consumers, and a clean end of
 * stream with close().
 */
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { mulberry32 } from 'course-kit/engine/mulberry32';
import { AsyncQueue, QueueClosedError } from './mpmc-queue.js';

/** Lets pending promise callbacks run, and a few turns of the event loop. */
async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await nextTurn();
}

/** Tracks whether a promise has settled. */
function track<T>(promise: Promise<T>) {
  const state = { settled: false, promise };
  promise.then(
    () => (state.settled = true),
    () => (state.settled = true),
  );
  return state;
}

/** Yields to the event loop 0..3 times, at random: shuffles the order tasks run in. */
async function jitter(next: () => number): Promise<void> {
  const turns = Math.floor(next() * 4);
  for (let i = 0; i < turns; i++) await nextTurn();
}

describe('mpmc-queue', () => {
  it('one producer, one consumer: items come out in the order they went in [1 pts]', async () => {
    const queue = new AsyncQueue<string>(10);
    for (const item of ['a', 'b', 'c']) await queue.put(item);
    assert.equal(queue.size, 3);
    assert.deepEqual(await queue.take(), { done: false, value: 'a' });
    assert.deepEqual(await queue.take(), { done: false, value: 'b' });
    assert.deepEqual(await queue.take(), { done: false, value: 'c' });
    assert.equal(queue.size, 0);
  });

  it('holds at most `capacity` items: put waits on a full queue until a take makes room [2 pts]', async () => {
    const queue = new AsyncQueue<number>(2);
    await queue.put(1);
    await queue.put(2);
    const third = track(queue.put(3));
    await settle();
    assert.equal(third.settled, false, 'put on a full queue must wait');
    assert.equal(queue.size, 2);
    assert.equal(queue.waitingPutters, 1);
    assert.deepEqual(await queue.take(), { done: false, value: 1 });
    await third.promise;
    assert.equal(queue.size, 2, 'the waiting item entered the room the take made');
    assert.deepEqual([(await queue.take()).value, (await queue.take()).value], [2, 3]);
    // and a take on an empty queue waits for the next put
    const taken = track(queue.take());
    await settle();
    assert.equal(taken.settled, false, 'take on an empty queue must wait');
    await queue.put(4);
    assert.deepEqual(await taken.promise, { done: false, value: 4 });
  });

  it('many producers and consumers: every item is delivered exactly once, never over capacity [3 pts]', async () => {
    const next = mulberry32(7);
    const capacity = 5;
    const queue = new AsyncQueue<string>(capacity);
    const producers = 4;
    const perProducer = 250;
    let maxSize = 0;
    const produce = async (p: number): Promise<void> => {
      for (let i = 0; i < perProducer; i++) {
        await jitter(next);
        await queue.put(`${p}:${i}`);
        maxSize = Math.max(maxSize, queue.size);
      }
    };
    const received: string[] = [];
    const consume = async (): Promise<number> => {
      let count = 0;
      for (;;) {
        const taken = await queue.take();
        if (taken.done) return count;
        received.push(taken.value);
        count++;
        await jitter(next);
      }
    };
    const consumers = [consume(), consume(), consume()];
    await Promise.all(Array.from({ length: producers }, (_, p) => produce(p)));
    queue.close();
    const counts = await Promise.all(consumers);
    assert.equal(received.length, producers * perProducer, 'items lost or duplicated');
    assert.equal(new Set(received).size, received.length, 'an item was delivered twice');
    assert.ok(
      counts.every((count) => count > 0),
      `every consumer should get work: ${counts.join(', ')}`,
    );
    assert.ok(maxSize <= capacity, `the queue held ${maxSize} items (capacity ${capacity})`);
    for (let p = 0; p < producers; p++) {
      const mine = received.filter((item) => item.startsWith(`${p}:`)).map((item) => Number(item.split(':')[1]));
      assert.deepEqual(
        mine,
        Array.from({ length: perProducer }, (_, i) => i),
        `producer ${p}'s items out of order`,
      );
    }
  });

  it('close ends the stream: items already in still come out, then done; put after close rejects [2 pts]', async () => {
    const queue = new AsyncQueue<number>(5);
    await queue.put(1);
    await queue.put(2);
    queue.close();
    assert.equal(queue.closed, true);
    await assert.rejects(queue.put(3), QueueClosedError);
    const seen: number[] = [];
    for await (const item of queue) seen.push(item);
    assert.deepEqual(seen, [1, 2]);
    assert.deepEqual(await queue.take(), { done: true, value: undefined });
  });

  it('close wakes waiting consumers with done, and rejects waiting producers (their items never enter) [1 pts]', async () => {
    const empty = new AsyncQueue<number>(1);
    const waiting = [empty.take(), empty.take()];
    await settle();
    empty.close();
    assert.deepEqual(await Promise.all(waiting), [
      { done: true, value: undefined },
      { done: true, value: undefined },
    ]);

    const full = new AsyncQueue<number>(1);
    await full.put(1);
    const blocked = full.put(2);
    await settle();
    full.close();
    await assert.rejects(blocked, QueueClosedError);
    assert.deepEqual(await full.take(), { done: false, value: 1 });
    assert.deepEqual(await full.take(), { done: true, value: undefined }, 'the rejected item must not be delivered');
  });

  // BEGIN HIDDEN TESTS
  it('an aborted wait is withdrawn: the put adds nothing, the take takes nothing [1 pts]', async () => {
    const queue = new AsyncQueue<string>(1);
    await queue.put('first');
    const controller = new AbortController();
    const withdrawn = queue.put('withdrawn', { signal: controller.signal });
    await settle();
    controller.abort(new Error('changed my mind'));
    await assert.rejects(withdrawn, { message: 'changed my mind' });
    assert.equal(queue.waitingPutters, 0);
    assert.deepEqual(await queue.take(), { done: false, value: 'first' });
    assert.equal(queue.size, 0, 'the withdrawn item entered the queue');

    const takeController = new AbortController();
    const gaveUp = queue.take({ signal: takeController.signal });
    const patient = queue.take();
    await settle();
    takeController.abort(new Error('gave up'));
    await assert.rejects(gaveUp, { message: 'gave up' });
    await queue.put('for the patient one');
    assert.deepEqual(await patient, { done: false, value: 'for the patient one' });
    assert.equal(queue.waitingTakers, 0);
  });

  it('waiting consumers are served in the order they arrived, and so are waiting producers [1 pts]', async () => {
    const queue = new AsyncQueue<number>(1);
    const order: string[] = [];
    const takers = [1, 2, 3].map((n) => queue.take().then((taken) => order.push(`taker ${n} got ${taken.value}`)));
    await settle();
    for (const item of [10, 20, 30]) await queue.put(item);
    await Promise.all(takers);
    assert.deepEqual(order, ['taker 1 got 10', 'taker 2 got 20', 'taker 3 got 30']);

    await queue.put(0);
    const putters = [1, 2, 3].map((n) => queue.put(n));
    await settle();
    const out: number[] = [];
    for (let i = 0; i < 4; i++) out.push((await queue.take()).value as number);
    await Promise.all(putters);
    assert.deepEqual(out, [0, 1, 2, 3]);
  });

  it('close is idempotent, and every one of many waiting for-await loops ends [1 pts]', async () => {
    const queue = new AsyncQueue<number>(3);
    const loops = Array.from({ length: 10 }, async () => {
      let count = 0;
      for await (const _item of queue) count++;
      return count;
    });
    await settle();
    await queue.put(1);
    await queue.put(2);
    queue.close();
    queue.close();
    const counts = await Promise.all(loops);
    assert.equal(
      counts.reduce((a, b) => a + b, 0),
      2,
    );
  });
  // END HIDDEN TESTS
});
