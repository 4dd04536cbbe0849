/**
 * An analyzer in a Redis consumer group (seed 003, event-driven systems): many consumers, on
 * any number of processes or machines, share one stream; each entry goes to one of them.
 *
 *   XGROUP CREATE s g 0 MKSTREAM                       the group (and the stream) once
 *   XREADGROUP GROUP g me COUNT n BLOCK ms STREAMS s >  new entries, now pending for me
 *   ... analyze, record the result under the entry's id ...
 *   XACK s g id                                         done: no longer pending
 *
 * Delivery is at least once: an entry read but not acknowledged stays pending. A consumer
 * that restarts reads its own pending entries first (`0` instead of `>`); a live consumer
 * takes over a dead one's with XAUTOCLAIM (entries idle longer than minIdleMs). So an entry
 * may be analyzed twice: the result is recorded with HSETNX keyed by the stream id, which
 * writes only the first time, and every reading counts exactly once.
 */
import type { Redis } from 'ioredis';
import { analyzeReading, type Status } from '../09-system-monitor/analyzer.js';
import { readingFromFields, type StreamReading } from '../09-system-monitor/stream-publisher.js';

/** One stream entry: its id and its field-value pairs (null: trimmed away after delivery). */
export interface StreamEntry {
  id: string;
  fields: string[] | null;
}

export interface StreamConsumerOptions {
  /** The stream's key. */
  stream: string;
  /** The consumer group's name. */
  group: string;
  /** This consumer's name in the group (a restarted consumer keeps its name). */
  name: string;
  /** The hash of results, one field per stream id (default `<stream>:results`). */
  resultsKey?: string;
  /** The hash counting how often each id was analyzed (default `<stream>:analyses`). */
  analysesKey?: string;
  /** Entries per read (default 10). */
  count?: number;
  /** How long a read waits for new entries, in ms (default 500). */
  blockMs?: number;
  /** ALERT at or above this (default 70, the seed's). */
  threshold?: number;
  /** Called after the result is recorded and before XACK (the lab stalls a consumer here). */
  beforeAck?(handled: HandledEntry): Promise<void> | void;
}

export interface HandledEntry {
  id: string;
  reading: StreamReading | undefined;
  status: Status | 'N/A' | 'trimmed';
  /** False when an earlier delivery had recorded it already (HSETNX wrote nothing). */
  recorded: boolean;
}

/** What one consumer did. */
export interface ConsumerCounts {
  /** Entries handed to this consumer by its reads (new, its own pending, and claimed). */
  delivered: number;
  /** Entries it analyzed (a consumer killed mid-batch analyzed fewer than it was handed). */
  analyzed: number;
  /** Results it wrote first. */
  recorded: number;
  /** Deliveries whose result was already there (an earlier delivery recorded it). */
  duplicates: number;
  acked: number;
  /** Entries it took over from another consumer with XAUTOCLAIM. */
  claimed: number;
}

/** Creates the group (and the stream, MKSTREAM) reading from the start; false when it existed. */
export async function createGroup(redis: Redis, stream: string, group: string): Promise<boolean> {
  try {
    await redis.xgroup('CREATE', stream, group, '0', 'MKSTREAM');
    return true;
  } catch (error) {
    if (/BUSYGROUP/.test((error as Error).message)) return false;
    throw error;
  }
}

/** XREADGROUP's reply: [[stream, [[id, fields], ...]]], or null when nothing came. */
function entriesOf(reply: unknown): StreamEntry[] {
  if (!Array.isArray(reply)) return [];
  const [, entries] = reply[0] as [string, [string, string[] | null][]];
  return entries.map(([id, fields]) => ({ id, fields }));
}

export class StreamConsumer {
  readonly counts: ConsumerCounts = { delivered: 0, analyzed: 0, recorded: 0, duplicates: 0, acked: 0, claimed: 0 };
  readonly #redis: Redis;
  readonly #options: Required<Omit<StreamConsumerOptions, 'beforeAck'>> & Pick<StreamConsumerOptions, 'beforeAck'>;

  constructor(redis: Redis, options: StreamConsumerOptions) {
    this.#redis = redis;
    this.#options = {
      resultsKey: `${options.stream}:results`,
      analysesKey: `${options.stream}:analyses`,
      count: 10,
      blockMs: 500,
      threshold: 70,
      ...options,
    };
  }

  get name(): string {
    return this.#options.name;
  }

  /** This consumer's entries delivered before and never acknowledged (after a restart): `0`. */
  async readPending(): Promise<StreamEntry[]> {
    return this.#delivered(await this.#read('0', false));
  }

  /** New entries (`>`); [] when none came within blockMs. They are pending for this consumer until XACK. */
  async readNew(): Promise<StreamEntry[]> {
    return this.#delivered(await this.#read('>', true));
  }

  #delivered(entries: StreamEntry[]): StreamEntry[] {
    this.counts.delivered += entries.length;
    return entries;
  }

  async #read(from: '0' | '>', block: boolean): Promise<StreamEntry[]> {
    const { group, name, count, blockMs, stream } = this.#options;
    const reply = block
      ? await this.#redis.xreadgroup('GROUP', group, name, 'COUNT', count, 'BLOCK', blockMs, 'STREAMS', stream, from)
      : await this.#redis.xreadgroup('GROUP', group, name, 'COUNT', count, 'STREAMS', stream, from);
    return entriesOf(reply);
  }

  /**
   * Takes over every entry of the group pending for longer than `minIdleMs` (a consumer that
   * died, or stalls): XAUTOCLAIM s g me minIdleMs cursor COUNT n, until the cursor is back at 0-0.
   */
  async claimIdle(minIdleMs: number): Promise<StreamEntry[]> {
    const { group, name, count, stream } = this.#options;
    const claimed: StreamEntry[] = [];
    let cursor = '0-0';
    do {
      const reply = (await this.#redis.xautoclaim(stream, group, name, minIdleMs, cursor, 'COUNT', count)) as [
        string,
        [string, string[]][],
      ];
      cursor = reply[0];
      for (const [id, fields] of reply[1]) claimed.push({ id, fields });
    } while (cursor !== '0-0');
    this.counts.claimed += claimed.length;
    return this.#delivered(claimed);
  }

  /** Analyzes one entry, records its result once (HSETNX by id), then acknowledges it. */
  async handle(entry: StreamEntry): Promise<HandledEntry> {
    const { stream, group, name, resultsKey, analysesKey, threshold } = this.#options;
    this.counts.analyzed += 1;
    const reading = entry.fields ? readingFromFields(entry.fields) : undefined;
    const status = reading ? analyzeReading(reading, threshold).status : 'trimmed';
    const result = JSON.stringify({ status, host: reading?.host, sensor: reading?.sensor, value: reading?.value, by: name });
    const replies = await this.#redis.multi().hsetnx(resultsKey, entry.id, result).hincrby(analysesKey, entry.id, 1).exec();
    const [failed, written] = replies?.[0] ?? [new Error('the transaction was discarded'), 0];
    if (failed) throw failed;
    const handled: HandledEntry = { id: entry.id, reading, status, recorded: written === 1 };
    if (handled.recorded) this.counts.recorded += 1;
    else this.counts.duplicates += 1;
    await this.#options.beforeAck?.(handled);
    this.counts.acked += await this.#redis.xack(stream, group, entry.id);
    return handled;
  }

  /** Handles entries one after another. */
  async handleAll(entries: readonly StreamEntry[]): Promise<HandledEntry[]> {
    const handled: HandledEntry[] = [];
    for (const entry of entries) handled.push(await this.handle(entry));
    return handled;
  }
}
