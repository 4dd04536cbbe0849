import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { StreamPublisher, readingFromFields } from '../../src/09-system-monitor/stream-publisher.js';
import type { RawReading } from '../../src/09-system-monitor/analyzer.js';
import { connectRedis, type RunningRedis } from '../../src/engine/redis/index.js';
import { createGroup, StreamConsumer } from '../../src/10-beyond-one-machine/streams-consumer.js';
import { runStreamLab } from '../../src/10-beyond-one-machine/streams-lab.js';
import { startTestRedis } from '../harness/test-redis.js';

function reading(seq: number, value = seq % 100): RawReading {
  return { sensor: 'cpu', unit: '%', simulated: true, value, takenAt: 1_700_000_000_000 + seq, seq };
}

describe('10 streams: publisher, consumer group, claims', function () {
  this.timeout(60_000);
  let server: RunningRedis;
  let redis: Redis;
  let keyNumber = 0;
  /** A fresh stream key per test. */
  const nextStream = (): string => `test-stream-${++keyNumber}`;

  before(async () => {
    server = await startTestRedis();
    redis = await connectRedis(server.url, { name: 'streams-test' });
  });
  after(async () => {
    await redis?.quit();
    await server?.stop();
  });

  it('publishes each reading as one entry and caps the stream near MAXLEN', async () => {
    const stream = nextStream();
    const publisher = new StreamPublisher(redis, { stream, cap: 100, host: 'edge-7' });
    for (let seq = 1; seq <= 600; seq++) publisher.send(reading(seq));
    assert.deepEqual(await publisher.drain(), { published: 600, failed: 0, error: undefined });
    const length = await redis.xlen(stream);
    // MAXLEN ~ trims in whole blocks (100 entries each by default): at least the cap is kept, far fewer than 600.
    assert.ok(length >= 100 && length <= 250, `XLEN ${length} after 600 entries with a cap of ~100`);
    const [[, fields]] = await redis.xrevrange(stream, '+', '-', 'COUNT', 1);
    assert.deepEqual(readingFromFields(fields), { ...reading(600), host: 'edge-7' });
  });

  it('shares the entries among the group, records results by id and acknowledges them', async () => {
    const stream = nextStream();
    const publisher = new StreamPublisher(redis, { stream, host: 'edge-1' });
    assert.equal(await createGroup(redis, stream, 'g'), true);
    assert.equal(await createGroup(redis, stream, 'g'), false, 'a second XGROUP CREATE finds the group (BUSYGROUP)');
    const ids: string[] = [];
    for (let seq = 1; seq <= 25; seq++) ids.push(await publisher.publish(reading(seq, seq < 20 ? 50 : 90)));
    const a = new StreamConsumer(redis, { stream, group: 'g', name: 'a', count: 10, blockMs: 50 });
    const b = new StreamConsumer(redis, { stream, group: 'g', name: 'b', count: 10, blockMs: 50 });
    const first = await a.readNew();
    const second = await b.readNew();
    assert.deepEqual(
      [...first, ...second].map((entry) => entry.id),
      ids.slice(0, 20),
      'each entry goes to one consumer, in order',
    );
    assert.equal(((await redis.xpending(stream, 'g')) as [number])[0], 20, 'read, not acknowledged: pending');
    await a.handleAll(first);
    await b.handleAll(second);
    await a.handleAll(await a.readNew());
    assert.equal(((await redis.xpending(stream, 'g')) as [number])[0], 0);
    assert.deepEqual(await a.readNew(), [], 'nothing new: the read returns empty after BLOCK');
    assert.deepEqual(a.counts, { delivered: 15, analyzed: 15, recorded: 15, duplicates: 0, acked: 15, claimed: 0 });
    const results = await redis.hgetall(`${stream}:results`);
    assert.deepEqual(Object.keys(results).sort(), [...ids].sort());
    const statuses = Object.values(results).map((text) => (JSON.parse(text) as { status: string }).status);
    assert.equal(statuses.filter((status) => status === 'ALERT').length, 6, 'values 90 from seq 20 on: ALERT at >= 70');
  });

  it('a restarted consumer reads its own pending entries first; another claims a dead one’s, recording each once', async () => {
    const stream = nextStream();
    const publisher = new StreamPublisher(redis, { stream, host: 'edge-1' });
    await createGroup(redis, stream, 'g');
    for (let seq = 1; seq <= 6; seq++) await publisher.publish(reading(seq));
    // "x" reads 3, records the first, and dies before acknowledging it.
    const crash = new Error('crash before XACK');
    const x = new StreamConsumer(redis, { stream, group: 'g', name: 'x', count: 3, beforeAck: () => Promise.reject(crash) });
    const read = await x.readNew();
    await assert.rejects(x.handle(read[0]), crash);
    // Restarted under the same name: `0` gives back its pending entries, nothing new.
    const restarted = new StreamConsumer(redis, { stream, group: 'g', name: 'x', count: 3 });
    assert.deepEqual(
      (await restarted.readPending()).map((entry) => entry.id),
      read.map((entry) => entry.id),
    );
    // "y" claims them instead (idle >= 0 ms: all of x's), analyzes them again, records each once.
    const y = new StreamConsumer(redis, { stream, group: 'g', name: 'y', count: 2 });
    const claimed = await y.claimIdle(0);
    assert.deepEqual(
      claimed.map((entry) => entry.id),
      read.map((entry) => entry.id),
    );
    const handled = await y.handleAll(claimed);
    assert.deepEqual(
      handled.map((entry) => entry.recorded),
      [false, true, true],
      'the first was recorded by x already',
    );
    assert.deepEqual(y.counts, { delivered: 3, analyzed: 3, recorded: 2, duplicates: 1, acked: 3, claimed: 3 });
    assert.equal(await redis.hlen(`${stream}:results`), 3);
    assert.equal(await redis.hget(`${stream}:analyses`, read[0].id), '2', 'analyzed twice, recorded once');
    assert.equal(((await redis.xpending(stream, 'g')) as [number])[0], 0);
  });

  it('the lab: a machine killed mid-stream, its pending readings claimed, every reading analyzed exactly once', async () => {
    const result = await runStreamLab({ consumers: 3, readings: 300, killAfter: 5, redisUrl: server.url });
    assert.equal(result.redis.embedded, false);
    assert.ok(result.killed, 'machine-1 stalled and was killed');
    assert.equal(result.killed.name, 'machine-1');
    assert.equal(result.killed.recordedBeforeKill, 5);
    assert.ok(result.killed.pendingAtKill >= 1, 'it left at least the entry it recorded but never acknowledged');
    assert.ok(result.claimed >= result.killed.pendingAtKill, `claimed ${result.claimed} of ${result.killed.pendingAtKill} left pending`);
    assert.equal(result.results, 300);
    assert.equal(result.missing, 0);
    assert.equal(result.exactlyOnce, true);
    assert.ok(result.claimed >= 1, 'at least one entry delivered twice (at least once delivery)');
    assert.ok(result.analyzedTwice >= 1, 'the entry machine-1 recorded was analyzed again...');
    assert.ok(result.duplicatesIgnored >= 1, '...and not recorded twice');
    assert.equal(result.analyses, result.results + result.duplicatesIgnored);
    const victim = result.consumers[0];
    assert.equal(victim.delivered - victim.acked, result.killed.pendingAtKill, 'handed to machine-1, never acknowledged: pending');
    const recorded = result.consumers.reduce((sum, consumer) => sum + consumer.recorded, 0);
    assert.equal(recorded, 300, 'the machines recorded 300 results between them');
    assert.equal((result.statuses.NORMAL ?? 0) + (result.statuses.ALERT ?? 0), 300);
    assert.deepEqual(
      result.consumers.map((consumer) => consumer.killed),
      [true, false, false],
    );
    assert.equal(await redis.exists(result.stream), 0, 'the lab removes its keys from a Redis it did not start');
  });

  it('the lab on a Redis of its own: started and ended with the lab', async () => {
    const result = await runStreamLab({ consumers: 2, readings: 40, killAfter: 2, minIdleMs: 200 });
    assert.equal(result.redis.embedded, true);
    assert.equal(result.exactlyOnce, true);
    assert.equal(result.results, 40);
    assert.ok(result.claimed >= 1);
  });
});
