import assert from 'node:assert/strict';
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { Channel, select, type RecvResult } from '../../src/02-event-loop-and-channels/channel.js';

/** Lets every pending promise callback and one turn of the event loop run. */
const settle = () => nextMacrotask();

/** Tracks whether a promise has settled yet. */
function track<T>(promise: Promise<T>): { readonly done: boolean; promise: Promise<T> } {
  const state = { done: false, promise };
  promise.then(
    () => (state.done = true),
    () => (state.done = true),
  );
  return state;
}

describe('Channel', () => {
  it('capacity must be an integer >= 0, and the error names it', () => {
    for (const capacity of [-1, 1.5, Number.NaN, Infinity, '4']) {
      assert.throws(
        () => new Channel(capacity as number),
        (error: Error) => error instanceof RangeError && /^capacity must be an integer >= 0, got /.test(error.message),
      );
    }
    assert.equal(new Channel().capacity, 0);
  });

  it('unbuffered: send resolves only when a receiver takes the value (rendezvous)', async () => {
    const channel = new Channel<string>(0);
    const sent = track(channel.send('ping'));
    await settle();
    assert.equal(sent.done, false, 'nobody received yet');
    assert.deepEqual(await channel.recv(), { value: 'ping', ok: true });
    await sent.promise;
    // and the other way round: a waiting receiver is handed the value at once
    const received = channel.recv();
    await channel.send('pong');
    assert.deepEqual(await received, { value: 'pong', ok: true });
  });

  it('buffered: sends complete while there is room, then wait (backpressure)', async () => {
    const channel = new Channel<number>(2);
    await channel.send(1);
    await channel.send(2);
    const third = track(channel.send(3));
    await settle();
    assert.equal(third.done, false, 'buffer full: the third send waits');
    assert.equal(channel.length, 2);
    assert.deepEqual(await channel.recv(), { value: 1, ok: true });
    await third.promise;
    assert.deepEqual([(await channel.recv()).value, (await channel.recv()).value], [2, 3], 'FIFO order kept');
  });

  it('close: receivers drain the buffer then get ok=false; send and double close are errors naming the channel', async () => {
    const channel = new Channel<number>(3, { name: 'jobs' });
    await channel.send(1);
    await channel.send(2);
    channel.close();
    assert.equal(channel.closed, true);
    await assert.rejects(channel.send(3), { message: 'send on closed channel "jobs"' });
    assert.throws(() => channel.close(), { message: 'close of closed channel "jobs"' });
    assert.deepEqual(await channel.recv(), { value: 1, ok: true });
    assert.deepEqual(await channel.recv(), { value: 2, ok: true });
    assert.deepEqual(await channel.recv(), { value: undefined, ok: false });
    assert.deepEqual(await channel.recv(), { value: undefined, ok: false });
  });

  it('close wakes waiting receivers (ok=false) and rejects waiting senders', async () => {
    const forReceivers = new Channel<number>(0, { name: 'quiet' });
    const waiting = [forReceivers.recv(), forReceivers.recv()];
    forReceivers.close();
    assert.deepEqual(await Promise.all(waiting), [
      { value: undefined, ok: false },
      { value: undefined, ok: false },
    ]);

    const forSenders = new Channel<number>(0, { name: 'full' });
    const sending = forSenders.send(7);
    forSenders.close();
    await assert.rejects(sending, /send on closed channel "full"/);
  });

  it('async iteration yields every value until closed', async () => {
    const channel = new Channel<number>(1);
    const producer = (async () => {
      for (let i = 0; i < 10; i++) await channel.send(i);
      channel.close();
    })();
    const values: number[] = [];
    for await (const value of channel) values.push(value);
    await producer;
    assert.deepEqual(values, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  for (const capacity of [0, 8]) {
    it(`capacity ${capacity}: 4 senders x 500 values and 3 receivers, every value delivered exactly once`, async () => {
      const channel = new Channel<number>(capacity);
      const SENDERS = 4;
      const EACH = 500;
      const senders = Array.from({ length: SENDERS }, async (_, s) => {
        for (let i = 0; i < EACH; i++) {
          await channel.send(s * EACH + i);
          if (i % 50 === 0) await settle(); // mix in macrotask turns
        }
      });
      const receivers = Array.from({ length: 3 }, async () => {
        const got: number[] = [];
        for await (const value of channel) got.push(value);
        return got;
      });
      await Promise.all(senders);
      channel.close();
      const received = (await Promise.all(receivers)).flat();
      assert.equal(received.length, SENDERS * EACH);
      assert.deepEqual(
        [...received].sort((a, b) => a - b),
        Array.from({ length: SENDERS * EACH }, (_, i) => i),
      );
      assert.ok(
        (await Promise.all(receivers)).every((got) => got.length > 0),
        'every receiver took part',
      );
    });
  }

  it('an AbortSignal withdraws a waiting recv or send, and nothing is lost', async () => {
    const channel = new Channel<string>(0);
    const controller = new AbortController();
    const receiving = channel.recv({ signal: controller.signal });
    controller.abort(new Error('canceled'));
    await assert.rejects(receiving, /canceled/);
    const sent = track(channel.send('kept'));
    await settle();
    assert.equal(sent.done, false, 'the withdrawn receiver did not take the value');
    assert.deepEqual(await channel.recv(), { value: 'kept', ok: true });

    const sendController = new AbortController();
    const sending = channel.send('dropped', { signal: sendController.signal });
    sendController.abort(new Error('send canceled'));
    await assert.rejects(sending, /send canceled/);
    const next = channel.recv();
    await channel.send('after');
    assert.deepEqual(await next, { value: 'after', ok: true }, 'the withdrawn value was not delivered');
    await assert.rejects(channel.recv({ signal: AbortSignal.abort(new Error('already')) }), /already/);
  });
});

describe('select', () => {
  it('performs a ready case and runs its handler', async () => {
    const a = new Channel<number>(1);
    const b = new Channel<number>(1);
    await b.send(42);
    const result = await select([a.recvCase((r) => `a:${r.value}`), b.recvCase((r) => `b:${r.value}`)]);
    assert.equal(result, 'b:42');
    assert.equal(b.length, 0);
  });

  it('default runs when no case is ready; otherwise select waits for the first one', async () => {
    const a = new Channel<number>(0);
    const b = new Channel<number>(0);
    assert.equal(await select([a.recvCase(() => 'a')], { default: () => 'nothing ready' }), 'nothing ready');
    const choice = select([a.recvCase((r) => `a:${r.value}`), b.recvCase((r) => `b:${r.value}`)]);
    await settle();
    await b.send(7); // resolves: the select took it
    assert.equal(await choice, 'b:7');
    // The losing case was withdrawn: a later value on `a` goes to a plain receiver.
    const later = a.recv();
    await a.send(1);
    assert.deepEqual(await later, { value: 1, ok: true });
  });

  it('send cases: sends to whoever is ready; on a closed channel select rejects', async () => {
    const out = new Channel<string>(0, { name: 'out' });
    const receiving = out.recv();
    const result = await select([out.sendCase('hello', () => 'sent')]);
    assert.equal(result, 'sent');
    assert.deepEqual(await receiving, { value: 'hello', ok: true });
    // waiting send case completed by a later receiver
    const waitingSend = select([out.sendCase('later')]);
    await settle();
    assert.deepEqual(await out.recv(), { value: 'later', ok: true });
    assert.equal(await waitingSend, undefined);
    out.close();
    await assert.rejects(select([out.sendCase('x', () => 1)]), /send on closed channel "out"/);
  });

  it('a recv case on a closed channel is ready with ok=false', async () => {
    const done = new Channel<void>(0);
    const work = new Channel<number>(0);
    done.close();
    const result = await select<string>([work.recvCase(() => 'work'), done.recvCase((r) => (r.ok ? 'value' : 'closed'))]);
    assert.equal(result, 'closed');
  });

  it('is fair: with three cases always ready, each is chosen about a third of the time', async () => {
    const ROUNDS = 3_000;
    const channels = [0, 1, 2].map(() => new Channel<number>(1));
    const chosen = [0, 0, 0];
    for (const channel of channels) await channel.send(0);
    for (let round = 0; round < ROUNDS; round++) {
      const index = await select(channels.map((channel, i) => channel.recvCase(() => i)));
      chosen[index]++;
      await channels[index].send(0); // ready again
    }
    // Expected 1000 each; the standard deviation is about 26, so 850..1150 is a > 5-sigma band.
    for (const count of chosen) assert.ok(count > 850 && count < 1150, `unfair choice counts ${chosen.join(', ')}`);
  });

  it('an AbortSignal withdraws a waiting select: it performs no case, and nothing is lost', async () => {
    const a = new Channel<number>(0);
    const controller = new AbortController();
    const waiting = select([a.recvCase(() => 'a')], { signal: controller.signal });
    await settle();
    controller.abort(new Error('stop waiting'));
    await assert.rejects(waiting, /stop waiting/);
    const sent = track(a.send(5));
    await settle();
    assert.equal(sent.done, false, 'the aborted select did not take the value');
    assert.deepEqual(await a.recv(), { value: 5, ok: true });
    await assert.rejects(select([a.recvCase(() => 1)], { signal: AbortSignal.abort(new Error('pre-aborted')) }), /pre-aborted/);
  });

  it('bad input is named', async () => {
    const a = new Channel<number>();
    await assert.rejects(select([]), /cases must not be empty without a default/);
    assert.equal(await select([], { default: () => 'idle' }), 'idle');
    await assert.rejects(select([{} as never]), /cases must be an array of channel.recvCase/);
    await assert.rejects(select([a.recvCase(() => 1)], { default: 3 as never }), /default must be a function, got 3/);
    assert.throws(() => a.recvCase(undefined as never), /handler must be a function, got undefined/);
    assert.throws(() => a.sendCase(1, 'x' as never), /handler must be a function, got x/);
  });

  it('select with both a send and a recv case: one happens, the result type is the union', async () => {
    const input = new Channel<number>(1);
    const output = new Channel<number>(1);
    await input.send(1);
    await output.send(0); // output full: only the recv case is ready
    const result: RecvResult<number> | 'sent' = await select<RecvResult<number> | 'sent'>([
      input.recvCase((r) => r),
      output.sendCase(2, () => 'sent' as const),
    ]);
    assert.deepEqual(result, { value: 1, ok: true });
    assert.equal(output.length, 1);
  });
});
