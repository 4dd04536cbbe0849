/**
 * An engine, as in IPython parallel: a process that joins the cluster through
 * Redis and waits for work indefinitely.
 *
 * On start it takes the next id (0, 1, 2...), announces itself with a
 * heartbeat key that expires unless renewed, and reads two BullMQ queues, one
 * job at a time each:
 * - its own `direct-<id>`: execute, push, pull and apply, on its namespace;
 * - the shared `balanced`: whichever engine is free takes the next task.
 *
 * If an engine dies mid-task its BullMQ lock expires (after `lockDurationMs`),
 * another engine's stalled-job check puts the task back in the queue, and a
 * live engine runs it again: that is the load-balanced view's resubmission.
 * The lock is renewed by a timer, so a task that blocks its engine's event loop
 * for longer than the lock looks stalled too: keep long tasks asynchronous.
 *
 * An engine ends on stop(), and by itself when its Redis stops answering.
 */
import { hostname } from 'node:os';
import { Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { bullConnection, connectRedis } from '../engine/redis/index.js';
import { Namespace } from './namespace.js';
import {
  BALANCED_QUEUE,
  decode,
  directQueue,
  encode,
  ENGINES_KEY,
  HEARTBEAT_EVERY_MS,
  HEARTBEAT_TTL_MS,
  heartbeatKey,
  NEXT_ID_KEY,
  QUEUE_PREFIX,
  type BalancedJob,
  type DirectJob,
  type EngineInfo,
  type Outcome,
} from './protocol.js';

export interface EngineOptions {
  /** redis://host:port */
  url: string;
  password?: string;
  /** The name shown for this engine's machine (default: the hostname). */
  hostLabel?: string;
  /** How long a task's lock lasts without renewal (ms, default 1500): a dead engine's task is resubmitted after about this long. */
  lockDurationMs?: number;
  /** How often engines look for stalled tasks (ms, default 750). */
  stalledIntervalMs?: number;
}

export class Engine {
  readonly info: EngineInfo;
  /** Resolves with the reason once the engine has ended. */
  readonly ended: Promise<string>;
  readonly #redis: Redis;
  readonly #namespace: Namespace;
  readonly #workers: Worker[];
  readonly #heartbeat: NodeJS.Timeout;
  #missedBeats = 0;
  #stopping: Promise<void> | undefined;
  #markEnded!: (reason: string) => void;

  /** Connects (a RedisConnectError within 5 s if Redis does not answer), registers, and starts serving. */
  static async start(options: EngineOptions): Promise<Engine> {
    const redis = await connectRedis(options.url, { password: options.password, name: 'cluster-engine' });
    try {
      const id = (await redis.incr(NEXT_ID_KEY)) - 1;
      const info: EngineInfo = { id, host: options.hostLabel ?? hostname(), pid: process.pid };
      await redis.sadd(ENGINES_KEY, String(id));
      await redis.set(heartbeatKey(id), JSON.stringify(info), 'PX', HEARTBEAT_TTL_MS);
      return new Engine(redis, info, options);
    } catch (error) {
      redis.disconnect();
      throw error;
    }
  }

  private constructor(redis: Redis, info: EngineInfo, options: EngineOptions) {
    this.#redis = redis;
    this.info = info;
    this.ended = new Promise((resolve) => (this.#markEnded = resolve));
    this.#namespace = new Namespace(info);
    const workerOptions = {
      // ioredis 6's RedisOptions type is wider than the one BullMQ declares; the values are what BullMQ needs.
      connection: bullConnection(options.url, options.password) as ConnectionOptions,
      prefix: QUEUE_PREFIX,
      concurrency: 1,
      lockDuration: options.lockDurationMs ?? 1500,
      stalledInterval: options.stalledIntervalMs ?? 750,
      maxStalledCount: 3,
    };
    this.#workers = [
      new Worker<DirectJob, Outcome>(directQueue(info.id), (job) => this.#direct(job), workerOptions),
      new Worker<BalancedJob, Outcome>(BALANCED_QUEUE, (job) => this.#balanced(job), workerOptions),
    ];
    // Connection errors are handled by the heartbeat (it ends the engine when Redis is gone).
    for (const worker of this.#workers) worker.on('error', () => {});
    this.#heartbeat = setInterval(() => void this.#beat(), HEARTBEAT_EVERY_MS);
  }

  /** Ends the engine: stops taking work (a task in progress is left to be resubmitted), leaves the cluster. */
  stop(reason = 'stopped'): Promise<void> {
    this.#stopping ??= (async () => {
      clearInterval(this.#heartbeat);
      await withTimeout(Promise.all(this.#workers.map((worker) => worker.close(true))), 2000);
      await withTimeout(this.#redis.del(heartbeatKey(this.info.id)), 500);
      this.#redis.disconnect();
      this.#markEnded(reason);
    })();
    return this.#stopping;
  }

  async #beat(): Promise<void> {
    const renewed = await withTimeout(
      this.#redis.set(heartbeatKey(this.info.id), JSON.stringify(this.info), 'PX', HEARTBEAT_TTL_MS),
      HEARTBEAT_EVERY_MS,
    );
    this.#missedBeats = renewed === undefined ? this.#missedBeats + 1 : 0;
    if (this.#missedBeats >= 3) void this.stop('its Redis stopped answering');
  }

  async #direct(job: Job<DirectJob, Outcome>): Promise<Outcome> {
    return this.#outcome(job, async () => {
      const task = job.data;
      switch (task.op) {
        case 'execute':
          return this.#namespace.execute(task.code);
        case 'push':
          return this.#namespace.push(decode(task.encoded) as Record<string, unknown>);
        case 'pull':
          return task.names.map((name) => this.#namespace.pull(name));
        case 'apply':
          return this.#namespace.apply(task.fn, decode(task.encoded) as unknown[]);
      }
    });
  }

  async #balanced(job: Job<BalancedJob, Outcome>): Promise<Outcome> {
    const outcome = await this.#outcome(job, () => this.#namespace.apply(job.data.fn, decode(job.data.encoded) as unknown[]));
    // A task that failed with attempts left is thrown to BullMQ, which retries it (on any engine).
    if (!outcome.ok && job.attemptsMade + 1 < (job.opts.attempts ?? 1)) throw new Error(outcome.error.message);
    return outcome;
  }

  async #outcome(job: Job, run: () => Promise<unknown>): Promise<Outcome> {
    const engine = this.info.id;
    const resubmitted = (job.stalledCounter ?? 0) + job.attemptsMade;
    try {
      const value = await run();
      return { ok: true, engine, encoded: encode(value, `The result on engine ${engine}`), resubmitted };
    } catch (error) {
      const { name, message, stack } = isErrorLike(error) ? error : new Error(String(error));
      return { ok: false, engine, error: { name, message, stack }, resubmitted };
    }
  }
}

/** The promise's value, or undefined if it takes longer than `ms` (or fails). */
async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)))]);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs an engine in this process until it ends: on SIGTERM or SIGINT, when its
 * Redis goes away, and (for an engine a client or `cluster start` forked) when
 * the parent's IPC channel closes, which happens however the parent died.
 * Resolves with the exit code: 0 when stopped, 1 when Redis was lost.
 */
export async function serveEngine(options: EngineOptions, onReady: (engine: Engine) => void): Promise<number> {
  const engine = await Engine.start(options);
  const stop = (reason: string) => void engine.stop(reason);
  const onSigterm = () => stop('SIGTERM');
  const onSigint = () => stop('SIGINT');
  const onDisconnect = () => stop('its parent is gone');
  process.on('SIGTERM', onSigterm).on('SIGINT', onSigint);
  if (process.connected) process.on('disconnect', onDisconnect);
  try {
    onReady(engine);
    const reason = await engine.ended;
    return reason === 'its Redis stopped answering' ? 1 : 0;
  } finally {
    process.off('SIGTERM', onSigterm).off('SIGINT', onSigint).off('disconnect', onDisconnect);
  }
}

/** An Error, also one made in another realm (a vm context), where `instanceof Error` is false. */
function isErrorLike(value: unknown): value is Error {
  return (
    typeof value === 'object' && value !== null && typeof (value as Error).message === 'string' && typeof (value as Error).name === 'string'
  );
}
