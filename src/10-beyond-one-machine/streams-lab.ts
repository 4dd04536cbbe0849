/**
 * The stream lab: readings from several machines on one Redis Stream, analyzers in one
 * consumer group, and one analyzer machine killed mid-stream.
 *
 *   edge-1, edge-2, edge-3 ──XADD──► stream ──XREADGROUP──► machine-1 (killed), machine-2, machine-3
 *
 * 1. The consumer machines start (one child process each) and wait, blocked on XREADGROUP.
 * 2. The lab publishes the readings. machine-1 records `killAfter` results and stalls before
 *    acknowledging the last one: the lab kills it (SIGKILL). Its unacknowledged entries,
 *    the one it recorded and those it had read but not reached, stay pending.
 * 3. A live machine's XAUTOCLAIM takes them once they are idle longer than `minIdleMs`, and
 *    analyzes them again: they are delivered twice, and HSETNX by stream id records each once.
 * 4. The proof, read back from Redis: one result per reading (none missing, none extra),
 *    the deliveries per id, and what each machine did.
 *
 * Time-bounded (`timeoutMs`); every child, connection and embedded Redis ends, also on error.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { Redis } from 'ioredis';
import { simulatedSensor } from '../09-system-monitor/sensors.js';
import { StreamPublisher } from '../09-system-monitor/stream-publisher.js';
import { connectRedis, redisUrlFrom, startRedisServer, type RunningRedis } from '../engine/redis/index.js';
import { compiledEntry } from '../paths.js';
import type { ConsumerCounts } from './streams-consumer.js';
import { PASSWORD_VARIABLE, type ConsumerMessage, type ConsumerProcessConfig } from './streams-protocol.js';
import { createGroup } from './streams-consumer.js';

export interface StreamLabOptions {
  /** Analyzer machines (child processes), at least 2 (default 3). */
  consumers?: number;
  /** Readings published (default 300). */
  readings?: number;
  /** machine-1 is killed after recording this many results, before acknowledging the last (default 5). */
  killAfter?: number;
  /** Machines publishing readings (labels edge-1, edge-2...; default 3). */
  publishers?: number;
  /** A Redis to use (else REDIS_URL, else a private one started for the lab and ended after it). */
  redisUrl?: string;
  password?: string;
  /** Entries per XREADGROUP (default 10). */
  count?: number;
  /** A pending entry idle this long may be claimed (default 1000 ms). */
  minIdleMs?: number;
  /** Each read blocks at most this long (default 100 ms). */
  blockMs?: number;
  /** The whole lab ends within this (default 30 s). */
  timeoutMs?: number;
}

export interface ConsumerReport extends ConsumerCounts {
  name: string;
  pid: number;
  killed: boolean;
}

export interface StreamLabResult {
  readings: number;
  /** Where the stream was, and whether the lab started that Redis. */
  redis: { url: string; embedded: boolean };
  stream: string;
  consumers: ConsumerReport[];
  /** The machine killed, and its entries still pending right after the kill (undefined: it never stalled). */
  killed: { name: string; pendingAtKill: number; recordedBeforeKill: number } | undefined;
  /** Entries taken over with XAUTOCLAIM, by all machines: each delivered a second time. */
  claimed: number;
  /** Results in the hash: one per reading when all went well. */
  results: number;
  /** Stream ids with no result. */
  missing: number;
  /** Analyses in all: one per reading, plus those repeated after a redelivery. */
  analyses: number;
  /** Ids analyzed more than once (at least once delivery at work). */
  analyzedTwice: number;
  /** Analyses whose result was already recorded (HSETNX wrote nothing). */
  duplicatesIgnored: number;
  /** Results per status (NORMAL, ALERT). */
  statuses: Record<string, number>;
  /** Every reading analyzed and recorded exactly once. */
  exactlyOnce: boolean;
  durationMs: number;
}

interface Machine {
  name: string;
  child: ChildProcess;
  exited: Promise<unknown>;
  counts: ConsumerCounts;
  killed: boolean;
}

function checkCount(value: number, name: string, minimum: number): number {
  if (!Number.isSafeInteger(value) || value < minimum) throw new RangeError(`${name} must be a whole number from ${minimum}, got ${value}`);
  return value;
}

export async function runStreamLab(options: StreamLabOptions = {}): Promise<StreamLabResult> {
  const consumers = checkCount(options.consumers ?? 3, 'consumers', 2);
  const readings = checkCount(options.readings ?? 300, 'readings', 1);
  const killAfter = checkCount(options.killAfter ?? 5, 'killAfter', 1);
  const publishers = checkCount(options.publishers ?? 3, 'publishers', 1);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const started = performance.now();
  const stream = `streams-lab:${process.pid}:${Date.now()}`;
  const group = 'analyzers';
  const keys = [stream, `${stream}:results`, `${stream}:analyses`];

  const given = redisUrlFrom(options.redisUrl);
  let server: RunningRedis | undefined;
  let redis: Redis | undefined;
  const machines: Machine[] = [];
  let deadline: NodeJS.Timeout | undefined;
  try {
    if (given === undefined) server = await startRedisServer({ password: options.password });
    const url = given ?? server!.url;
    redis = await connectRedis(url, { password: options.password, name: 'stream-lab' });
    const client = redis;
    await createGroup(client, stream, group);

    // Rejects when the lab runs out of time, or when a machine ends that was not meant to.
    let fail!: (error: Error) => void;
    const failed = new Promise<never>((_, reject) => (fail = reject));
    failed.catch(() => {});
    deadline = setTimeout(() => fail(new Error(`the stream lab did not finish within ${timeoutMs} ms`)), timeoutMs);
    let stopping = false;

    // Every machine reports after each round; the lab checks the totals then (no polling).
    let killed: Promise<StreamLabResult['killed']> = Promise.resolve(undefined);
    let finished!: () => void;
    const done = new Promise<void>((resolve) => (finished = resolve));
    let publishedAll = false;
    const checkDone = async (): Promise<void> => {
      if (!publishedAll) return;
      const [results, pending] = await Promise.all([client.hlen(`${stream}:results`), client.xpending(stream, group)]);
      if (results >= readings && Number((pending as [number])[0]) === 0) finished();
    };
    const onMessage = (machine: Machine, message: ConsumerMessage): void => {
      if (message.type === 'ready') return;
      machine.counts = message.counts;
      if (message.type === 'stalled') {
        // It will acknowledge nothing more: what is pending for it now is what it leaves behind.
        machine.killed = true;
        killed = (async () => {
          const pending = (await client.xpending(stream, group, '-', '+', 1000, machine.name)) as unknown[];
          machine.child.kill('SIGKILL');
          return { name: machine.name, pendingAtKill: pending.length, recordedBeforeKill: message.counts.recorded };
        })();
        killed.catch(fail);
      } else void checkDone().catch(fail);
    };

    const ready: Promise<unknown>[] = [];
    for (let i = 1; i <= consumers; i++) {
      const config: ConsumerProcessConfig = {
        url,
        stream,
        group,
        name: `machine-${i}`,
        count: options.count ?? 10,
        blockMs: options.blockMs ?? 100,
        minIdleMs: options.minIdleMs ?? 1000,
        threshold: 70,
        stallAfter: i === 1 ? killAfter : undefined,
      };
      const child = fork(compiledEntry('10-beyond-one-machine/streams-consumer-process.ts'), [JSON.stringify(config)], {
        env: { ...process.env, [PASSWORD_VARIABLE]: options.password ?? '' },
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      });
      const machine: Machine = { name: config.name, child, exited: once(child, 'exit'), counts: emptyCounts(), killed: false };
      machines.push(machine);
      ready.push(
        new Promise<void>((resolve, reject) => {
          child.on('message', (message: ConsumerMessage) => {
            if (message.type === 'ready') resolve();
            onMessage(machine, message);
          });
          void machine.exited.then(() => {
            reject(new Error(`${machine.name} ended before it was ready`));
            if (!machine.killed && !stopping) fail(new Error(`${machine.name} ended unexpectedly (exit code ${child.exitCode})`));
          });
        }),
      );
    }
    await Promise.race([Promise.all(ready), failed]);

    // The readings, from several edge machines, in chunks: the consumers read while they come.
    const edges = Array.from({ length: publishers }, (_, i) => ({
      publisher: new StreamPublisher(client, { stream, host: `edge-${i + 1}`, cap: Math.max(readings, 10_000) }),
      sensor: simulatedSensor('simulated', i + 1),
      seq: 0,
    }));
    for (let i = 0; i < readings; i++) {
      const edge = edges[i % publishers];
      const value = await edge.sensor.read();
      edge.publisher.send({ sensor: edge.sensor.name, unit: '%', simulated: true, value, takenAt: Date.now(), seq: ++edge.seq });
      if (i % 25 === 24) await Promise.all(edges.map((e) => e.publisher.drain()));
    }
    await Promise.all(edges.map((e) => e.publisher.drain()));
    publishedAll = true;
    await checkDone();
    await Promise.race([done, failed]);

    // Stop the live machines; each sends its report and ends.
    stopping = true;
    const live = machines.filter((machine) => !machine.killed);
    for (const machine of live) machine.child.send({ type: 'stop' });
    await Promise.race([Promise.all(machines.map((machine) => machine.exited)), failed]);

    const proof = await readProof(client, stream, readings);
    return {
      readings,
      redis: { url, embedded: server !== undefined },
      stream,
      consumers: machines.map((machine) => ({ name: machine.name, pid: machine.child.pid!, killed: machine.killed, ...machine.counts })),
      killed: await killed,
      claimed: machines.reduce((sum, machine) => sum + machine.counts.claimed, 0),
      ...proof,
      durationMs: performance.now() - started,
    };
  } finally {
    clearTimeout(deadline);
    for (const machine of machines) machine.child.kill('SIGKILL');
    await Promise.all(machines.map((machine) => machine.exited));
    if (redis && !server) await redis.del(...keys).catch(() => {});
    await redis?.quit().catch(() => redis?.disconnect());
    if (server) await server.stop();
  }
}

function emptyCounts(): ConsumerCounts {
  return { delivered: 0, analyzed: 0, recorded: 0, duplicates: 0, acked: 0, claimed: 0 };
}

/** What Redis holds at the end: results against the stream's ids, and deliveries per id. */
async function readProof(
  redis: Redis,
  stream: string,
  readings: number,
): Promise<Pick<StreamLabResult, 'results' | 'missing' | 'analyses' | 'analyzedTwice' | 'duplicatesIgnored' | 'statuses' | 'exactlyOnce'>> {
  const ids = (await redis.xrange(stream, '-', '+')).map(([id]) => id);
  const results = await redis.hgetall(`${stream}:results`);
  const analyses = Object.values(await redis.hgetall(`${stream}:analyses`)).map(Number);
  const missing = ids.filter((id) => !(id in results)).length;
  const statuses: Record<string, number> = {};
  for (const text of Object.values(results)) {
    const { status } = JSON.parse(text) as { status: string };
    statuses[status] = (statuses[status] ?? 0) + 1;
  }
  const resultCount = Object.keys(results).length;
  const analysisCount = analyses.reduce((sum, n) => sum + n, 0);
  return {
    results: resultCount,
    missing,
    analyses: analysisCount,
    analyzedTwice: analyses.filter((n) => n > 1).length,
    duplicatesIgnored: analysisCount - resultCount,
    statuses,
    exactlyOnce: ids.length === readings && resultCount === readings && missing === 0,
  };
}
