/**
 * The monitor's readings on a Redis Stream (seed 003: "Redis Streams ... procesamiento en
 * tiempo real de logs, sensores"): each reading taken becomes one entry,
 *
 *   XADD monitor:readings MAXLEN ~ 10000 * host h sensor cpu unit % value 41.3 takenAt ... seq 1
 *
 * `*` lets Redis choose the id (milliseconds-sequence, always increasing); `MAXLEN ~ cap` keeps
 * the stream near `cap` entries by dropping the oldest (`~`: in whole blocks, which is cheap).
 * Analyzers on other processes or machines read the stream in a consumer group (unit 10).
 *
 * The publisher never makes a sensor wait: `send` appends in the background (one connection
 * keeps the order), and `drain` waits for what is in flight and reports what failed.
 */
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { connectRedis, redisUrlFrom, startRedisServer, type RunningRedis } from '../engine/redis/index.js';
import type { RawReading } from './analyzer.js';

export const DEFAULT_STREAM = 'monitor:readings';
export const DEFAULT_STREAM_CAP = 10_000;

/** A reading as it travels on the stream: with the label of the machine that took it. */
export interface StreamReading extends RawReading {
  host: string;
}

/** The entry's field-value pairs (a value the machine does not expose is an empty string). */
export function readingToFields(reading: RawReading, host: string): string[] {
  const { sensor, unit, simulated, value, takenAt, seq } = reading;
  const shown = value === undefined ? '' : String(value);
  return [
    'host',
    host,
    'sensor',
    sensor,
    'unit',
    unit,
    'simulated',
    simulated ? '1' : '0',
    'value',
    shown,
    'takenAt',
    String(takenAt),
    'seq',
    String(seq),
  ];
}

/** The reading back from an entry's fields (as XREADGROUP or XRANGE give them). */
export function readingFromFields(fields: readonly string[]): StreamReading {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i], fields[i + 1]);
  const value = map.get('value');
  return {
    host: map.get('host') ?? '?',
    sensor: map.get('sensor') ?? '?',
    unit: map.get('unit') ?? '',
    simulated: map.get('simulated') === '1',
    value: value === undefined || value === '' ? undefined : Number(value),
    takenAt: Number(map.get('takenAt') ?? 0),
    seq: Number(map.get('seq') ?? 0),
  };
}

export interface StreamPublisherOptions {
  /** The stream's key (default monitor:readings). */
  stream?: string;
  /** Keep about this many entries (default 10,000). */
  cap?: number;
  /** The machine's label on every entry (default this machine's host name). */
  host?: string;
}

export class StreamPublisher {
  readonly stream: string;
  readonly cap: number;
  readonly host: string;
  readonly #redis: Redis;
  readonly #inFlight = new Set<Promise<unknown>>();
  #published = 0;
  #failed = 0;
  #firstError: Error | undefined;

  constructor(redis: Redis, options: StreamPublisherOptions = {}) {
    this.#redis = redis;
    this.stream = options.stream ?? DEFAULT_STREAM;
    this.cap = options.cap ?? DEFAULT_STREAM_CAP;
    if (!Number.isSafeInteger(this.cap) || this.cap < 1) throw new RangeError(`cap must be a whole number above 0, got ${this.cap}`);
    this.host = options.host ?? hostname();
  }

  /** Appends one reading; resolves with the entry's id. */
  async publish(reading: RawReading): Promise<string> {
    const id = await this.#redis.xadd(this.stream, 'MAXLEN', '~', this.cap, '*', ...readingToFields(reading, this.host));
    this.#published += 1;
    return id!;
  }

  /** Appends one reading in the background (see drain). */
  send(reading: RawReading): void {
    const sending = this.publish(reading).catch((error: Error) => {
      this.#failed += 1;
      this.#firstError ??= error;
    });
    this.#inFlight.add(sending);
    void sending.finally(() => this.#inFlight.delete(sending));
  }

  /** Waits for every reading sent; how many were published and failed, and the first error. */
  async drain(): Promise<{ published: number; failed: number; error?: Error }> {
    while (this.#inFlight.size > 0) await Promise.all(this.#inFlight);
    return { published: this.#published, failed: this.#failed, error: this.#firstError };
  }
}

/** A stream the monitor publishes to, on a Redis given by URL or started for the run. */
export interface ReadingStream {
  publisher: StreamPublisher;
  /** Where it is (without the password). */
  url: string;
  /** True when the kit started this Redis for the run (it ends with close()). */
  embedded: boolean;
  /** Publishes what is in flight, disconnects, and ends an embedded Redis. */
  close(): Promise<{ published: number; failed: number; error?: Error }>;
}

/**
 * Connects to `url` (else REDIS_URL, else a private redis-server started now on loopback).
 * Rejects with RedisConnectError within 5 s when the address does not answer, or with
 * RedisNotInstalledError when there is no redis-server to start.
 */
export async function openReadingStream(url: string | undefined, options: StreamPublisherOptions = {}): Promise<ReadingStream> {
  const given = redisUrlFrom(url);
  let server: RunningRedis | undefined;
  let redis: Redis | undefined;
  try {
    if (given === undefined) server = await startRedisServer();
    redis = await connectRedis(given ?? server!.url, { timeoutMs: 5000, name: 'monitor-publisher' });
  } catch (error) {
    if (server) await server.stop();
    throw error;
  }
  const client = redis;
  const publisher = new StreamPublisher(client, options);
  let closing: ReturnType<ReadingStream['close']> | undefined;
  return {
    publisher,
    url: server ? server.url : withoutPassword(given!),
    embedded: server !== undefined,
    close() {
      closing ??= (async () => {
        try {
          return await publisher.drain();
        } finally {
          await client.quit().catch(() => client.disconnect());
          if (server) await server.stop();
        }
      })();
      return closing;
    },
  };
}

/** redis://:secret@host:port → redis://host:port (for messages). */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}
