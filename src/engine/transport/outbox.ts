/**
 * Batching of outgoing frames, the same for sockets and MessagePorts.
 *
 * The first frame of an event-loop turn leaves at once (a lone message, an
 * answer or a ping-pong pays no delay); whatever follows in the same turn is
 * gathered and leaves in one write when the turn ends (a loop of puts becomes a
 * few large frames). `appendItem` extends the open batch while it has the same
 * header, so consecutive items share one frame. Order is always kept.
 *
 * A link that can carry a frame as it is (a MessagePort, whose postMessage copies
 * it at once) gives a `post` function: the first frame of a turn then goes that
 * way, with no serializer and no bytes, so a ping-pong between threads costs
 * little more than a bare postMessage; what follows in the turn is batched as bytes.
 */
import { encodeFrames, ItemStream, type OutgoingFrame } from './frames.js';

/**
 * Where the bytes go. Returns true when they have left this thread or process
 * (written into the kernel, posted to a port), else a promise that resolves once they have.
 */
export type Sink = (bytes: Buffer) => true | Promise<void>;

/** Posts one frame as it is; the link copies it before returning (a MessagePort's structured clone). */
export type Post = (header: object, items: readonly unknown[]) => void;

export class Outbox {
  readonly #sink: Sink;
  readonly #post: Post | undefined;
  #frames: OutgoingFrame[] = [];
  #openBatch: { header: object; stream: ItemStream } | undefined;
  /** Set from the first write of a turn to the end of that turn. */
  #turnEnd: NodeJS.Immediate | undefined;
  #lastSent: true | Promise<void> = true;

  constructor(sink: Sink, post?: Post) {
    this.#sink = sink;
    this.#post = post;
  }

  /** Sends a frame with `items` (none by default). */
  send(header: object, items: readonly unknown[] = []): void {
    if (this.#postAsIs(header, items)) return;
    let stream: ItemStream | undefined;
    if (items.length > 0) {
      stream = new ItemStream();
      for (const item of items) stream.add(item);
    }
    this.#openBatch = undefined;
    this.#frames.push({ header, stream });
    this.#schedule();
  }

  /**
   * Adds one item to the open batch frame when it was opened with this same
   * `batchHeader` object, or opens a new batch frame. Returns how many items the
   * open batch now holds. Callers check the item with assertCloneable first: a
   * value V8 cannot serialize would spoil the batch.
   */
  appendItem(batchHeader: object, item: unknown): number {
    if (this.#postAsIs(batchHeader, [item])) return 1;
    if (this.#openBatch?.header === batchHeader) {
      this.#openBatch.stream.add(item);
      return this.#openBatch.stream.count;
    }
    const stream = new ItemStream();
    stream.add(item);
    this.#openBatch = { header: batchHeader, stream };
    this.#frames.push(this.#openBatch);
    this.#schedule();
    return 1;
  }

  /**
   * Sends everything gathered now. Returns true when all that was ever sent has
   * left this thread or process, else a promise for that moment.
   */
  flush(): true | Promise<void> {
    this.#openBatch = undefined;
    if (this.#frames.length > 0) {
      const frames = this.#frames;
      this.#frames = [];
      this.#lastSent = this.#sink(encodeFrames(frames));
    }
    return this.#lastSent;
  }

  /** Drops what is gathered and stops (the other side is gone). */
  discard(): void {
    this.#frames = [];
    this.#openBatch = undefined;
    if (this.#turnEnd) clearImmediate(this.#turnEnd);
    this.#turnEnd = undefined;
  }

  /** The first frame of a turn, on a link that posts frames as they are: posted now. */
  #postAsIs(header: object, items: readonly unknown[]): boolean {
    if (!this.#post || this.#turnEnd) return false;
    this.#post(header, items);
    this.#lastSent = true;
    this.#schedule(); // the rest of this turn is batched
    return true;
  }

  #schedule(): void {
    if (this.#turnEnd) return;
    this.#turnEnd = setImmediate(() => {
      this.#turnEnd = undefined;
      this.flush();
    });
    this.flush();
  }
}
