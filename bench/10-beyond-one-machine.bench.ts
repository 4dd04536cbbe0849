/**
 * Unit 10 (beyond one machine): what distribution costs. Every figure comes
 * from one run, as a ratio against a baseline measured in the same process.
 *
 * 1. The load-balanced view against a Pool of 2 processes, for tasks of 0.1, 1,
 *    10 and 100 ms: the lesson's measureDistributionCost core (interleaved
 *    rounds, median of per-round ratios cluster time / pool time).
 * 2. 1, 2 and 4 engines on this machine (three clusters, each its own Redis):
 *    throughput of a map of 10 ms tasks, ratio to 1 engine, interleaved rounds.
 * 3. Round trip of one load-balanced `apply` against one `Pool.apply` (part of 1).
 * 4. Time from an engine's SIGKILL to its task finishing on another engine, with
 *    the engines' default lock (1.5 s) and stalled-check interval (0.75 s).
 * 5. Stream readings/s: the kit's StreamPublisher + StreamConsumer (which also
 *    records each result once, HSETNX) against raw ioredis XADD / XREADGROUP +
 *    XACK with the same fields.
 */
import { EventEmitter } from 'node:events';
import { Pool } from '../src/04-pools/pool.js';
import { StreamPublisher } from '../src/09-system-monitor/stream-publisher.js';
import { readingToFields } from '../src/09-system-monitor/stream-publisher.js';
import { connectRedis, startRedisServer } from '../src/engine/redis/index.js';
import { Client, startCluster, StreamConsumer, createGroup } from '../src/10-beyond-one-machine/index.js';
import { compareSides } from '../src/10-beyond-one-machine/distribution-cost.js';
import { calibrateJob, computeJob } from '../src/01-threads-vs-async/cpu-job.js';
import { endChild, launchCluster, startEngine, type StartedEngine } from '../src/10-beyond-one-machine/launch.js';
import { printTable, type BenchRow } from './report.js';
import { median, ratePerSecond, sideBySide } from './side-by-side.js';

// Many results awaited at once add one listener each to BullMQ's queue events; that is fine here.
EventEmitter.defaultMaxListeners = 200;

const TIMEOUT_MS = 120_000;

async function versusPool(): Promise<BenchRow[]> {
  const rc = await startCluster({ engines: 2 });
  const pool = new Pool({ kind: 'processes', size: 2 });
  try {
    const { rows, apply } = await compareSides({ cluster: rc, pool }, { taskMs: [0.1, 1, 10, 100], rounds: 7, applyTrips: 40 });
    return [
      ...rows.map((row): BenchRow => ({
        benchmark: `map of ${row.tasks} tasks of ${row.taskMs} ms: load-balanced view (2 engines)`,
        value: row.clusterMs,
        unit: 'ms',
        baseline: 'Pool, 2 processes',
        baselineValue: row.poolMs,
        ratio: row.ratio,
        goal: '(where distribution pays: ratio near 1)',
      })),
      {
        benchmark: 'one apply round trip: load-balanced view vs Pool.apply',
        value: apply.clusterMs,
        unit: 'ms',
        baseline: 'Pool.apply (processes)',
        baselineValue: apply.poolMs,
        ratio: apply.ratio,
        goal: '(the price of a trip through Redis)',
      },
    ];
  } finally {
    await pool.terminate();
    await rc.stop();
  }
}

async function engineCounts(): Promise<BenchRow[]> {
  const TASKS = 40;
  const rounds = calibrateJob(10);
  const items = Array.from({ length: TASKS }, () => rounds);
  const clusters: Client[] = [];
  try {
    for (const engines of [1, 2, 4]) clusters.push(await startCluster({ engines }));
    const rate = (rc: Client) => () => ratePerSecond(TASKS, () => rc.loadBalancedView().map(computeJob, items).get(TIMEOUT_MS));
    for (const rc of clusters) await rate(rc)(); // warm up
    const result = await sideBySide({ one: rate(clusters[0]), two: rate(clusters[1]), four: rate(clusters[2]) }, 'one', 5);
    const row = (engines: number, side: 'one' | 'two' | 'four', goal: string): BenchRow => ({
      benchmark: `map of ${TASKS} tasks of 10 ms on ${engines} engine(s), 2 cores`,
      value: result.median[side],
      unit: 'tasks/s',
      baseline: '1 engine',
      baselineValue: result.median.one,
      ratio: result.ratio[side],
      goal,
    });
    return [row(1, 'one', '1'), row(2, 'two', '<= 2 (2 cores)'), row(4, 'four', '<= 2: no more cores')];
  } finally {
    await Promise.all(clusters.map((rc) => rc.stop()));
  }
}

async function killToFinish(): Promise<BenchRow[]> {
  const REPEATS = 3;
  const cluster = await launchCluster({ engines: 2 });
  const extra: StartedEngine[] = [];
  const rc = await Client.connect({ url: cluster.url });
  const times: number[] = [];
  const resubmissions: number[] = [];
  try {
    const live = [...cluster.engines];
    for (let repeat = 0; repeat < REPEATS; repeat++) {
      // The task tells its engine's parent (this process) it has started, then takes 50 ms.
      const started = new Promise<StartedEngine>((resolve) => {
        for (const engine of live) engine.child.once('message', () => resolve(engine));
      });
      const task = rc.loadBalancedView().apply(async (ms: number) => {
        process.send?.({ running: engine.id });
        await new Promise((resolve) => setTimeout(resolve, ms));
        return engine.id;
      }, 50);
      const victim = await started;
      for (const engine of live) engine.child.removeAllListeners('message');
      const killedAt = performance.now();
      victim.child.kill('SIGKILL');
      const finishedOn = await task.get(TIMEOUT_MS);
      times.push(performance.now() - killedAt);
      if (finishedOn === victim.id) throw new Error('the task finished on the engine that was killed');
      resubmissions.push(await task.resubmitted()); // as the view counts it
      live.splice(live.indexOf(victim), 1);
      const replacement = await startEngine(cluster.url);
      extra.push(replacement);
      live.push(replacement);
    }
  } finally {
    await rc.close();
    await Promise.all(extra.map((engine) => endChild(engine.child)));
    await cluster.stop();
  }
  return [
    {
      benchmark: `engine SIGKILL -> its 50 ms task done on another engine (median of ${REPEATS}; resubmitted ${resubmissions.join(', ')})`,
      value: median(times),
      unit: 'ms',
      goal: '~ lock 1,500 ms + stalled check <= 750 ms',
    },
  ];
}

// A name the engines define (namespace.ts): the engine's { id, host, pid }.
declare const engine: { id: number };

async function streams(): Promise<BenchRow[]> {
  const READINGS = 2000;
  const server = await startRedisServer();
  const redis = await connectRedis(server.url, { name: 'bench-streams' });
  let run = 0;
  const reading = (seq: number) => ({ sensor: 'cpu', unit: '%', simulated: true, value: 40 + (seq % 50), takenAt: Date.now(), seq });
  const drainGroup = async (stream: string, readBatch: () => Promise<number>): Promise<void> => {
    let seen = 0;
    while (seen < READINGS) {
      const got = await readBatch();
      if (got === 0) throw new Error(`the stream ${stream} ran dry at ${seen} of ${READINGS}`);
      seen += got;
    }
  };
  const kit = async (): Promise<number> => {
    const stream = `bench:kit:${run++}`;
    await createGroup(redis, stream, 'g');
    const publisher = new StreamPublisher(redis, { stream, host: 'bench' });
    const consumer = new StreamConsumer(redis, { stream, group: 'g', name: 'c', count: 100, blockMs: 1000 });
    return ratePerSecond(READINGS, async () => {
      for (let seq = 0; seq < READINGS; seq++) publisher.send(reading(seq));
      const { failed } = await publisher.drain();
      if (failed > 0) throw new Error('publishing failed');
      await drainGroup(stream, async () => (await consumer.handleAll(await consumer.readNew())).length);
    });
  };
  const raw = async (): Promise<number> => {
    const stream = `bench:raw:${run++}`;
    await createGroup(redis, stream, 'g');
    return ratePerSecond(READINGS, async () => {
      await Promise.all(
        Array.from({ length: READINGS }, (_, seq) =>
          redis.xadd(stream, 'MAXLEN', '~', 10_000, '*', ...readingToFields(reading(seq), 'bench')),
        ),
      );
      await drainGroup(stream, async () => {
        const reply = (await redis.xreadgroup('GROUP', 'g', 'c', 'COUNT', 100, 'BLOCK', 1000, 'STREAMS', stream, '>')) as
          [string, [string, string[]][]][] | null;
        const entries = reply?.[0][1] ?? [];
        for (const [id] of entries) await redis.xack(stream, 'g', id);
        return entries.length;
      });
    });
  };
  try {
    await kit();
    await raw();
    const result = await sideBySide({ kit, raw }, 'raw', 5);
    return [
      {
        benchmark: `stream: ${READINGS} readings published then analyzed (kit, records each once)`,
        value: result.median.kit,
        unit: 'readings/s',
        baseline: 'raw XADD/XREADGROUP+XACK',
        baselineValue: result.median.raw,
        ratio: result.ratio.kit,
        goal: '(the price of recording once)',
      },
    ];
  } finally {
    redis.disconnect();
    await server.stop();
  }
}

const rows: BenchRow[] = [];
for (const part of [versusPool, engineCounts, killToFinish, streams]) {
  const start = performance.now();
  rows.push(...(await part()));
  console.error(`(${part.name}: ${Math.round(performance.now() - start)} ms)`);
}
printTable('10 beyond one machine: the cluster (Redis + BullMQ) against local baselines, ratios in one run', rows);
