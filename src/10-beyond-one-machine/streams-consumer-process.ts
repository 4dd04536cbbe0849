/**
 * One analyzer "machine" of the stream lab, in a process of its own (started by streams-lab.ts
 * with fork): it joins the consumer group under its label and loops
 *
 *   own pending entries first (a restart) → new entries (>) → claim idle ones (XAUTOCLAIM)
 *
 * reporting its counts to the lab after each round that did something, until the lab says
 * stop (or goes away). With `stallAfter: k` it plays a machine that dies mid-stream: after
 * recording its k-th result and before acknowledging it, it tells the lab and waits, and the
 * lab kills it (SIGKILL). Its pending entries stay in Redis for another machine to claim.
 */
import { connectRedis } from '../engine/redis/index.js';
import { StreamConsumer } from './streams-consumer.js';
import { PASSWORD_VARIABLE, type ConsumerMessage, type ConsumerProcessConfig } from './streams-protocol.js';

function send(message: ConsumerMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2]) as ConsumerProcessConfig;
  let stopping = false;
  process.on('message', (message: { type?: string }) => {
    if (message?.type === 'stop') stopping = true;
  });
  // The lab is gone: a machine does not outlive the program that started it.
  process.on('disconnect', () => process.exit(1));

  const redis = await connectRedis(config.url, { password: process.env[PASSWORD_VARIABLE] || undefined, name: config.name });
  const consumer = new StreamConsumer(redis, {
    ...config,
    beforeAck: (handled) => {
      if (config.stallAfter === undefined || !handled.recorded || consumer.counts.recorded !== config.stallAfter) return;
      send({ type: 'stalled', name: config.name, counts: { ...consumer.counts } });
      return new Promise<void>(() => {}); // never acknowledges: the lab kills this process now
    },
  });
  send({ type: 'ready', name: config.name });
  try {
    await consumer.handleAll(await consumer.readPending());
    while (!stopping) {
      const fresh = await consumer.handleAll(await consumer.readNew());
      const claimed = config.minIdleMs > 0 ? await consumer.handleAll(await consumer.claimIdle(config.minIdleMs)) : [];
      if (fresh.length + claimed.length > 0) send({ type: 'progress', name: config.name, counts: { ...consumer.counts } });
    }
    send({ type: 'report', name: config.name, counts: { ...consumer.counts } });
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
  process.disconnect?.();
}

main().catch((error: Error) => {
  console.error(`stream consumer: ${error.message}`);
  process.exit(1);
});
