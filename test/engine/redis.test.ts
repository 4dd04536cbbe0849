import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { isRunning } from '../../src/engine/process-tree.js';
import {
  RedisConnectError,
  RedisNotInstalledError,
  bullConnection,
  connectRedis,
  redisUrlFrom,
  startRedisServer,
} from '../../src/engine/redis/index.js';
import { kitRoot } from '../../src/paths.js';

/** Resolves once `pid` has exited (polled: it is not our child). */
async function gone(pid: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (!isRunning(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return !isRunning(pid);
}

describe('Redis for the kit (engine/redis)', function () {
  this.timeout(30_000);

  it('starts a private redis-server on loopback, answers, and stop() ends it', async () => {
    const redis = await startRedisServer();
    try {
      assert.match(redis.url, /^redis:\/\/127\.0\.0\.1:\d+$/);
      const client = await connectRedis(redis.url);
      try {
        await client.set('greeting', 'Hola');
        assert.equal(await client.get('greeting'), 'Hola');
        assert.deepEqual(await client.config('GET', 'save'), ['save', ''], 'no persistence');
      } finally {
        client.disconnect();
      }
    } finally {
      await redis.stop();
    }
    assert.equal(await gone(redis.pid, 5000), true);
    await redis.stop(); // twice is fine
  });

  it('with a password: the right one connects, a wrong one or none gets a clear error', async () => {
    const redis = await startRedisServer({ password: 's3cret' });
    try {
      const client = await connectRedis(redis.url, { password: 's3cret' });
      assert.equal(await client.ping(), 'PONG');
      client.disconnect();
      await assert.rejects(connectRedis(redis.url, { password: 'nope' }), (error: Error) => {
        return error instanceof RedisConnectError && /refused the password/.test(error.message);
      });
      await assert.rejects(connectRedis(redis.url), /refused the password/);
    } finally {
      await redis.stop();
    }
  });

  it('an address where nothing answers fails within 5 s, saying so', async () => {
    const free = await startRedisServer();
    await free.stop(); // its port is now closed
    const started = Date.now();
    await assert.rejects(connectRedis(free.url), (error: Error) => {
      return error instanceof RedisConnectError && /nothing answers at redis:\/\/127\.0\.0\.1:\d+/.test(error.message);
    });
    assert.ok(Date.now() - started < 5000);
    await assert.rejects(connectRedis('http://x'), /must start with redis:\/\//);
  });

  it('the server ends with the program that started it, even when that program is killed', async () => {
    const script = join(kitRoot, 'test/fixtures/engine/start-redis-and-wait.mjs');
    const child = fork(script, [], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('message', (message: { pid: number }) => resolve(message.pid));
      child.once('exit', () => reject(new Error('the starter ended first')));
    });
    assert.equal(isRunning(pid), true);
    child.kill('SIGKILL');
    assert.equal(await gone(pid, 5000), true, 'redis-server ended within 5 s of its starter being killed');
  });

  it('says how to install redis-server when it is missing', async () => {
    await assert.rejects(startRedisServer({ env: { ...process.env, PATH: '/nonexistent' } }), (error: Error) => {
      return error instanceof RedisNotInstalledError && /apt-get install redis-server/.test(error.message);
    });
  });

  it('reads the address from --redis, else REDIS_URL; BullMQ options from a URL', () => {
    const saved = process.env.REDIS_URL;
    try {
      delete process.env.REDIS_URL;
      assert.equal(redisUrlFrom(undefined), undefined);
      process.env.REDIS_URL = 'redis://10.0.0.5:6380';
      assert.equal(redisUrlFrom(undefined), 'redis://10.0.0.5:6380');
      assert.equal(redisUrlFrom('redis://a:1'), 'redis://a:1');
    } finally {
      if (saved === undefined) delete process.env.REDIS_URL;
      else process.env.REDIS_URL = saved;
    }
    assert.deepEqual(bullConnection('redis://:pw@h:7000'), { host: 'h', port: 7000, password: 'pw', maxRetriesPerRequest: null });
  });
});
