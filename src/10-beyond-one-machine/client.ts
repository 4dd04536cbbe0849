/**
 * The client, as IPython's `Client()`: connects to a running cluster through
 * its Redis and gives the views.
 *
 *   const rc = await Client.connect();             // finds `npm run cluster -- start`
 *   // or, for a notebook cell that stands alone:
 *   await using rc = await startCluster({ engines: 4 });
 *   rc.ids;                                        // [ 0, 1, 2, 3 ]
 *   const dview = rc.directView('all');
 *   await dview.execute('a = 1').get();
 *   await dview.pull('a').get();                   // [ 1, 1, 1, 1 ]
 *   await rc.loadBalancedView().map((x: number) => x * x, [1, 2, 3]).get();
 *
 * Every request is a BullMQ job; its result comes back through BullMQ's queue
 * events. The client holds connections to Redis: end it with close() (or
 * stop(), which for startCluster also ends the engines and the Redis).
 */
import { Queue, QueueEvents, type ConnectionOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { bullConnection, connectRedis, redisUrlFrom } from '../engine/redis/index.js';
import { EngineError, type EngineOutcome } from './cluster-result.js';
import { defaultConnectionFile, readConnectionFile } from './connection-file.js';
import { launchCluster, type LaunchedCluster, type LaunchOptions } from './launch.js';
import {
  BALANCED_QUEUE,
  decode,
  directQueue,
  ENGINES_KEY,
  heartbeatKey,
  QUEUE_PREFIX,
  type BalancedJob,
  type DirectJob,
  type EngineInfo,
  type Outcome,
} from './protocol.js';
import { DirectView, LoadBalancedView, type LoadBalancedOptions, type Submitter } from './views.js';

export interface ConnectOptions {
  /** The cluster's Redis; default: REDIS_URL, else the connection file. */
  url?: string;
  password?: string;
  /** Where `cluster start` wrote the connection file (default: see connection-file.ts). */
  connectionFile?: string;
  /** Give up connecting after this long (ms, default 5000). */
  timeoutMs?: number;
}

/** Finished jobs kept in Redis (the newest ones), so a result can be read after the job ends. */
const KEEP_FINISHED = { count: 1000 };

interface QueueEntry {
  readonly queue: Queue;
  readonly events: Promise<QueueEvents>;
  readonly ready: Promise<unknown>;
}

export class Client {
  readonly url: string;
  #engines: EngineInfo[] = [];
  readonly #redis: Redis;
  readonly #connection: ConnectionOptions;
  readonly #queues = new Map<string, QueueEntry>();
  #cluster: LaunchedCluster | undefined;
  #closing: Promise<void> | undefined;

  /** Connects to a running cluster; a RedisConnectError within 5 s if its Redis does not answer. */
  static async connect(options: ConnectOptions = {}): Promise<Client> {
    let url = redisUrlFrom(options.url);
    let password = options.password;
    if (url === undefined) {
      const path = options.connectionFile ?? defaultConnectionFile();
      const file = readConnectionFile(path);
      if (!file) {
        throw new Error(
          `no cluster is running (no connection file at ${path}): start one with "npm run cluster -- start -n 4", or pass { url }`,
        );
      }
      url = file.url;
      password ??= file.password;
    }
    const redis = await connectRedis(url, { password, timeoutMs: options.timeoutMs, name: 'cluster-client' });
    const client = new Client(url, redis, password);
    try {
      await client.refresh();
    } catch (error) {
      await client.close();
      throw error;
    }
    return client;
  }

  private constructor(url: string, redis: Redis, password: string | undefined) {
    this.url = url;
    this.#redis = redis;
    this.#connection = bullConnection(url, password) as ConnectionOptions; // see engine.ts
  }

  /** The live engines' ids, sorted (as of the last refresh(): connect and startCluster refresh). */
  get ids(): number[] {
    return this.#engines.map((engine) => engine.id);
  }

  /** The live engines: id, host label, pid. */
  get engines(): readonly EngineInfo[] {
    return this.#engines;
  }

  /** Reads which engines are alive now (their heartbeat keys); returns their ids. */
  async refresh(): Promise<number[]> {
    const known = (await this.#redis.smembers(ENGINES_KEY)).map(Number);
    const beats = known.length === 0 ? [] : await this.#redis.mget(known.map(heartbeatKey));
    this.#engines = beats.flatMap((text) => (text ? [JSON.parse(text) as EngineInfo] : [])).sort((a, b) => a.id - b.id);
    return this.ids;
  }

  /** Waits until at least `count` engines are alive (e.g. after starting engines elsewhere). */
  async waitForEngines(count: number, timeoutMs = 15_000): Promise<number[]> {
    const deadline = Date.now() + timeoutMs;
    while ((await this.refresh()).length < count) {
      if (Date.now() > deadline) throw new Error(`only ${this.ids.length} of ${count} engines joined within ${timeoutMs / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return this.ids;
  }

  /** A view of one engine (`rc[0]` in IPython): results are that engine's, not a list. */
  engine(id: number): DirectView {
    if (!this.ids.includes(id)) throw new RangeError(`no engine ${id}: the live engines are [${this.ids.join(', ')}]`);
    return new DirectView(this.#submitter, [id], true);
  }

  /** A view of all live engines, or of the given ids. */
  directView(targets: 'all' | readonly number[] = 'all'): DirectView {
    if (targets === 'all') return new DirectView(this.#submitter, this.ids);
    for (const id of targets) this.engine(id);
    return new DirectView(this.#submitter, targets);
  }

  loadBalancedView(options: LoadBalancedOptions = {}): LoadBalancedView {
    return new LoadBalancedView(this.#submitter, options);
  }

  /** Closes this client's connections (the cluster goes on). */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      const all = [...this.#queues.values()];
      await Promise.all(all.map(({ ready }) => ready.catch(() => {})));
      await Promise.all(
        all.flatMap(({ queue, events }) => [
          events.then(
            (reader) => reader.close(),
            () => {},
          ),
          queue.close(),
        ]),
      );
      this.#redis.disconnect();
    })();
    return this.#closing;
  }

  /** Closes the client and, if startCluster() started the cluster, ends its engines and Redis. */
  async stop(): Promise<void> {
    await this.close();
    await this.#cluster?.stop();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  /** @internal startCluster() hands over what it started. */
  adopt(cluster: LaunchedCluster): void {
    this.#cluster = cluster;
  }

  #queue(name: string): QueueEntry {
    if (this.#closing) throw new Error('this client is closed');
    let entry = this.#queues.get(name);
    if (!entry) {
      const queue = new Queue(name, { connection: this.#connection, prefix: QUEUE_PREFIX });
      queue.on('error', () => {});
      // Read events from the newest one there is now: a result that arrives before the
      // reader has started listening is still seen (reading from "$" could miss it).
      const events = this.#redis.xrevrange(`${QUEUE_PREFIX}:${name}:events`, '+', '-', 'COUNT', 1).then((newest) => {
        const reader = new QueueEvents(name, { connection: this.#connection, prefix: QUEUE_PREFIX, lastEventId: newest[0]?.[0] ?? '0' });
        reader.on('error', () => {});
        reader.setMaxListeners(0); // every task waiting for its result listens here
        return reader;
      });
      entry = { queue, events, ready: Promise.all([queue.waitUntilReady(), events.then((reader) => reader.waitUntilReady())]) };
      this.#queues.set(name, entry);
    }
    return entry;
  }

  readonly #submitter: Submitter = {
    direct: (engine: number, job: DirectJob) => {
      const { queue, events } = this.#queue(directQueue(engine));
      return settle(engine, queue.add(job.op, job, { removeOnComplete: KEEP_FINISHED, removeOnFail: KEEP_FINISHED }), events);
    },
    balanced: (jobs: readonly BalancedJob[], retries: number) => {
      const { queue, events } = this.#queue(BALANCED_QUEUE);
      const added = queue.addBulk(
        jobs.map((data) => ({
          name: data.fn.name,
          data,
          opts: {
            attempts: retries + 1,
            backoff: { type: 'fixed', delay: 100 },
            removeOnComplete: KEEP_FINISHED,
            removeOnFail: KEEP_FINISHED,
          },
        })),
      );
      return jobs.map((_, index) =>
        settle(
          -1,
          added.then((all) => all[index]),
          events,
        ),
      );
    },
  };
}

/** The engine's outcome of a job; never rejects (a failure becomes an outcome with its error). */
async function settle(engine: number, adding: Promise<import('bullmq').Job>, events: Promise<QueueEvents>): Promise<EngineOutcome> {
  try {
    const job = await adding;
    const raw = (await job.waitUntilFinished(await events)) as Outcome | string;
    const outcome = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Outcome;
    if (outcome.ok) return { engine: outcome.engine, ok: true, value: decode(outcome.encoded), resubmitted: outcome.resubmitted };
    return { engine: outcome.engine, ok: false, error: new EngineError(outcome.engine, outcome.error), resubmitted: outcome.resubmitted };
  } catch (error) {
    // BullMQ failed the job itself (e.g. it stalled on too many engines), or the client closed.
    const { name, message } = error as Error;
    return { engine, ok: false, error: new EngineError(engine, { name, message }), resubmitted: 0 };
  }
}

export interface StartClusterOptions extends Omit<LaunchOptions, 'url'> {
  /** An existing Redis; default: a private one, ended with the cluster. */
  url?: string;
}

/**
 * A cluster for one notebook cell or one script: a private Redis (unless `url`)
 * and `engines` engine processes, and a client connected to them. `stop()` (or
 * `await using`) ends everything; if the program dies instead, the engines and
 * the Redis end by themselves within seconds.
 */
export async function startCluster(options: StartClusterOptions = {}): Promise<Client> {
  const cluster = await launchCluster(options);
  try {
    const client = await Client.connect({ url: cluster.url, password: cluster.password });
    client.adopt(cluster);
    await client.waitForEngines(cluster.engines.length).catch(async (error: unknown) => {
      await client.stop();
      throw error;
    });
    return client;
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}
