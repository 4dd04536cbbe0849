import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pipe, PipeClosedError, PipeTimeoutError, type PipeEnd } from '../../src/03-processes-queues-pipes/pipe.js';
import { startPeer, stopAll, type Peer, type PeerKind } from './peers.js';

describe('Pipe', () => {
  const peers: Peer[] = [];
  const ends: PipeEnd<unknown>[] = [];
  /** A pipe whose ends are disposed after the test, whatever happens. */
  function pipe<T>(options?: Parameters<typeof Pipe>[0]): [PipeEnd<T>, PipeEnd<T>] {
    const pair = Pipe<T>(options);
    ends.push(...(pair as PipeEnd<unknown>[]));
    return pair;
  }
  afterEach(async () => {
    await stopAll(peers);
    await Promise.all(ends.splice(0).map((end) => end.dispose()));
  });

  it('is duplex in one thread: each end receives what the other sent, in order', async () => {
    const [a, b] = pipe<string>();
    a.send('ping 1');
    a.send('ping 2');
    b.send('pong');
    assert.deepEqual([await b.recv(), await b.recv(), await a.recv()], ['ping 1', 'ping 2', 'pong']);
  });

  for (const kind of ['process', 'thread'] as PeerKind[]) {
    it(`works across ${kind === 'process' ? 'processes' : 'threads'}: an echo peer answers, then end of stream reaches both sides`, async () => {
      const [mine, theirs] = pipe<string>();
      const echo = startPeer(kind, 'echo', { end: theirs });
      peers.push(echo);
      const words = ['hola', 'mundo', 'adiós'];
      for (const word of words) mine.send(word);
      const answers = [];
      for (let i = 0; i < words.length; i++) answers.push(await mine.recv({ timeout: 10_000 }));
      assert.deepEqual(answers, ['HOLA', 'MUNDO', 'ADIÓS']);
      mine.close();
      await echo.ended;
    });
  }

  it("reproduces the seed's sender and receiver: Enviando / Recibido", async () => {
    const [recibir, enviar] = pipe<string>();
    const receptor = startPeer('process', 'seedReceiver', { end: recibir });
    peers.push(receptor);
    const lines: string[] = [];
    for (const mensaje of ['Hola', 'desde', 'el', 'proceso', 'emisor']) {
      lines.push(`Enviando: ${mensaje}`);
      enviar.send(mensaje);
    }
    enviar.close();
    await receptor.ended;
    assert.deepEqual(
      receptor.lines,
      ['Hola', 'desde', 'el', 'proceso', 'emisor'].map((m) => `Recibido: ${m}`),
    );
  });

  it('recv after the other end closed returns what is left, then PipeClosedError, not a hang', async () => {
    const [a, b] = pipe<number>();
    const sender = startPeer('thread', 'sender', { end: b, values: [1, 2, 3] });
    peers.push(sender);
    await sender.ended;
    assert.deepEqual([await a.recv(), await a.recv(), await a.recv()], [1, 2, 3]);
    await assert.rejects(a.recv({ timeout: 5000 }), (error: Error) => error instanceof PipeClosedError);
    const values: number[] = [];
    for await (const value of a) values.push(value);
    assert.deepEqual(values, [], 'iteration ends at once');
  });

  it('a receiver in another process waiting on recv is woken with PipeClosedError when the sender closes', async () => {
    const [a, b] = pipe<number>();
    const receiver = startPeer('process', 'receiver', { end: b });
    peers.push(receiver);
    await receiver.report((report) => report.waiting === true);
    await sleep(50);
    a.close();
    const { error } = await receiver.report((report) => report.error !== undefined);
    assert.equal(error!.name, 'PipeClosedError');
  });

  for (const [kind, how] of [
    ['process', 'is killed (SIGKILL)'],
    ['thread', 'is terminated'],
    ['process', 'ends without closing its end'],
  ] as const) {
    it(`recv does not hang when the ${kind} holding the other end ${how}: PipeClosedError, as Python's EOFError`, async () => {
      const [a, b] = pipe<string>();
      const stays = !how.startsWith('ends');
      const holder = startPeer(kind, 'holder', { end: b, stay: stays });
      peers.push(holder);
      assert.equal(await a.recv({ timeout: 10_000 }), 'ready', 'what the holder sent arrives first');
      // No timeout on this recv: before the fix, it waited for ever.
      const waiting = assert.rejects(
        a.recv(),
        (error: Error) => error instanceof PipeClosedError && /the other end is closed/.test(error.message),
      );
      if (stays) await holder.stop();
      else await holder.ended;
      await waiting;
      assert.throws(() => a.send('anyone?'), PipeClosedError);
    });
  }

  it('send on a closed pipe names the end and says which side is closed', async () => {
    const [a, b] = pipe<number>();
    a.close();
    assert.throws(
      () => a.send(1),
      (error: Error) => error instanceof PipeClosedError && /cannot send on pipe-\d+ end A: this end is closed/.test(error.message),
    );
    await sleep(20);
    assert.throws(() => b.send(1), /cannot send on pipe-\d+ end B: the other end is closed/);
  });

  it('recv times out with PipeTimeoutError, and a value sent later is not lost', async () => {
    const [a, b] = pipe<string>();
    await assert.rejects(
      a.recv({ timeout: 20 }),
      (error: Error) => error instanceof PipeTimeoutError && /timed out after 20 ms/.test(error.message),
    );
    b.send('late');
    assert.equal(await a.recv({ timeout: 1000 }), 'late');
  });

  it('one-way pipes refuse the wrong direction; bad values and options are named', async () => {
    const [receiveEnd, sendEnd] = pipe<unknown>({ duplex: false });
    assert.throws(() => receiveEnd.send(1), /receive end of a one-way pipe/);
    assert.throws(() => sendEnd.send(() => 1), /value/);
    assert.throws(() => Pipe({ duplex: 'yes' as unknown as boolean }), /duplex must be true or false, got "yes"/);
    await assert.rejects(receiveEnd.recv({ timeout: -1 }), /timeout/);
    sendEnd.send('kept');
    assert.equal(await receiveEnd.recv(), 'kept', 'a refused value does not spoil what was accepted');
  });
});
