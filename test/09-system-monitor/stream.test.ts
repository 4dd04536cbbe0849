import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Redis } from 'ioredis';
import { parseMonitorArguments } from '../../src/09-system-monitor/options.js';
import { readingFromFields } from '../../src/09-system-monitor/stream-publisher.js';
import { connectRedis, type RunningRedis } from '../../src/engine/redis/index.js';
import { compiledEntry } from '../../src/paths.js';
import { startTestRedis } from '../harness/test-redis.js';

const cli = compiledEntry('09-system-monitor/cli.ts');

async function runCli(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ stdout: string; stderr: string; code: number | null; ms: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
  try {
    const [code] = (await once(child, 'exit')) as [number | null];
    return { stdout, stderr, code, ms: performance.now() - started };
  } finally {
    clearTimeout(guard);
  }
}

describe('09 monitor --stream [URL]', function () {
  this.timeout(40_000);

  it('reads --stream with a URL, alone (REDIS_URL or a Redis of its own), and refuses what is not a Redis address', () => {
    assert.equal(parseMonitorArguments(['--stream', 'redis://127.0.0.1:6379', '--count', '2']).stream, 'redis://127.0.0.1:6379');
    assert.equal(parseMonitorArguments(['--stream', '--count', '2']).stream, '');
    assert.equal(parseMonitorArguments(['--count', '2', '--stream']).stream, '');
    assert.equal(parseMonitorArguments(['--count', '2']).stream, undefined);
    assert.throws(() => parseMonitorArguments(['--stream', 'localhost:6379']), /^MonitorOptionError: --stream must be a Redis address/);
    assert.throws(() => parseMonitorArguments(['--stream', 'http://localhost:6379']), /--stream must be a Redis address/);
  });

  describe('against a real Redis', () => {
    let server: RunningRedis;
    let redis: Redis;
    before(async () => {
      server = await startTestRedis();
      redis = await connectRedis(server.url, { name: 'monitor-stream-test' });
    });
    after(async () => {
      await redis?.quit();
      await server?.stop();
    });

    it('publishes every reading it takes to monitor:readings (XLEN, XRANGE)', async () => {
      const run = await runCli(['--stream', server.url, '--count', '2', '--sensors', 'simulated,memory', '--interval', '50ms', '--json']);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, new RegExp(`Publishing every reading to the stream monitor:readings at ${server.url}\\n`));
      assert.match(run.stderr, /4 readings published to the stream monitor:readings/);
      assert.equal(await redis.xlen('monitor:readings'), 4);
      const published = (await redis.xrange('monitor:readings', '-', '+')).map(([, fields]) => readingFromFields(fields));
      const shown = run.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { type: string; sensor: string; seq: number; value: number })
        .filter((object) => object.type === 'reading');
      const key = (r: { sensor: string; seq: number; value?: number }): string => `${r.sensor}#${r.seq}=${r.value}`;
      assert.deepEqual(published.map(key).sort(), shown.map(key).sort(), 'the stream holds the readings the monitor took');
      assert.deepEqual(published.map((r) => r.sensor).sort(), ['memory', 'memory', 'simulated', 'simulated']);
    });
  });

  it('an address that does not answer: one line naming --stream, exit code 2, within 5 s', async () => {
    const run = await runCli(['--stream', 'redis://127.0.0.1:1', '--count', '1', '--sensors', 'simulated']);
    assert.equal(run.code, 2);
    assert.equal(run.stdout, '', 'nothing started');
    const lines = run.stderr.trim().split('\n');
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0], /^monitor: --stream: nothing answers at redis:\/\/127\.0\.0\.1:1/);
    assert.ok(run.ms < 5000, `took ${Math.round(run.ms)} ms`);
  });

  it('--stream alone starts a Redis of its own, says where, and ends it', async () => {
    const env = { ...process.env };
    delete env.REDIS_URL;
    const run = await runCli(['--stream', '--count', '1', '--sensors', 'simulated'], env);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /at redis:\/\/127\.0\.0\.1:\d+ \(a private Redis started for this run: it ends with the monitor\)/);
    assert.match(run.stdout, /1 readings published to the stream monitor:readings/);
  });
});
