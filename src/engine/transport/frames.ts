/**
 * Frames: how mailbox messages travel as bytes over a socket.
 *
 * A socket carries a stream of bytes with no message boundaries, so every message
 * is a frame that starts with its length:
 *
 *   [u32 body length][u32 header length][header][u32 item count][items]
 *
 * The header is a small control object (which request, which mailbox). The items
 * are written one after another into one V8 serializer stream: the same structured
 * clone format that worker_threads and `serialization: 'advanced'` use, so Map, Set,
 * Date, typed arrays and friends survive. Writing each item into the open stream at
 * `put` time takes a snapshot (later changes to the object do not travel) and costs
 * far less than serializing every item on its own; many items then share one frame
 * and one write.
 *
 * `FrameWriter` batches everything one event-loop turn produces into a single
 * socket write; `FrameReader` turns received chunks back into frames.
 */
import { Buffer } from 'node:buffer';
import type { Socket } from 'node:net';
import { DefaultDeserializer, DefaultSerializer, deserialize, serialize } from 'node:v8';

/** One decoded message: its control header and the items it carries. */
export interface Frame<Header> {
  header: Header;
  items: unknown[];
}

const U32 = 4;

/** Items serialized into one open V8 stream, waiting to be framed. */
class ItemStream {
  #serializer = new DefaultSerializer();
  count = 0;

  constructor() {
    this.#serializer.writeHeader();
  }

  add(item: unknown): void {
    this.#serializer.writeValue(item);
    this.count += 1;
  }

  bytes(): Buffer {
    return this.#serializer.releaseBuffer();
  }
}

function encodeFrame(header: object, stream: ItemStream | undefined): Buffer[] {
  const headerBytes = serialize(header);
  const itemBytes = stream && stream.count > 0 ? stream.bytes() : Buffer.alloc(0);
  const prefix = Buffer.allocUnsafe(U32 * 2);
  const countBytes = Buffer.allocUnsafe(U32);
  prefix.writeUInt32LE(U32 + headerBytes.length + U32 + itemBytes.length, 0);
  prefix.writeUInt32LE(headerBytes.length, U32);
  countBytes.writeUInt32LE(stream?.count ?? 0, 0);
  return [prefix, headerBytes, countBytes, itemBytes];
}

function decodeBody<Header>(body: Buffer): Frame<Header> {
  const headerLength = body.readUInt32LE(0);
  const header = deserialize(body.subarray(U32, U32 + headerLength)) as Header;
  const count = body.readUInt32LE(U32 + headerLength);
  const items: unknown[] = [];
  if (count > 0) {
    const deserializer = new DefaultDeserializer(body.subarray(U32 + headerLength + U32));
    deserializer.readHeader();
    for (let index = 0; index < count; index += 1) items.push(deserializer.readValue());
  }
  return { header, items };
}

/** Reassembles frames from the chunks a socket delivers (a frame may span chunks). */
export class FrameReader<Header> {
  #chunks: Buffer[] = [];
  #buffered = 0;

  /** Adds a received chunk; returns every frame it completed, in order. */
  push(chunk: Buffer): Frame<Header>[] {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    const frames: Frame<Header>[] = [];
    while (this.#buffered >= U32) {
      const needed = U32 + this.#peekLength();
      if (this.#buffered < needed) break;
      const data = this.#chunks.length === 1 ? this.#chunks[0] : Buffer.concat(this.#chunks);
      let offset = 0;
      while (data.length - offset >= U32) {
        const length = data.readUInt32LE(offset);
        if (data.length - offset - U32 < length) break;
        frames.push(decodeBody<Header>(data.subarray(offset + U32, offset + U32 + length)));
        offset += U32 + length;
      }
      const rest = data.subarray(offset);
      this.#chunks = rest.length > 0 ? [rest] : [];
      this.#buffered = rest.length;
    }
    return frames;
  }

  #peekLength(): number {
    if (this.#chunks[0].length < U32) this.#chunks = [Buffer.concat(this.#chunks)];
    return this.#chunks[0].readUInt32LE(0);
  }
}

/**
 * Queues frames for one socket and writes all of them once per event-loop turn.
 * `appendItem` extends the last frame while it is an item batch with the same
 * header, so a loop of puts becomes one frame. Order is always kept.
 */
export class FrameWriter {
  #socket: Socket;
  #outgoing: { header: object; stream?: ItemStream }[] = [];
  #openBatch: { header: object; stream: ItemStream } | undefined;
  #flushScheduled: NodeJS.Immediate | undefined;
  #writesInFlight = 0;
  #onIdle: () => void;

  /** `onIdle` runs when nothing is left to write (used to unref the socket). */
  constructor(socket: Socket, onIdle: () => void = () => {}) {
    this.#socket = socket;
    this.#onIdle = onIdle;
  }

  /** True while frames are queued or being written. */
  get busy(): boolean {
    return this.#outgoing.length > 0 || this.#writesInFlight > 0;
  }

  /** Queues a frame with `items` (none by default). */
  write(header: object, items: readonly unknown[] = []): void {
    const stream = items.length > 0 ? new ItemStream() : undefined;
    for (const item of items) stream!.add(item);
    this.#openBatch = undefined;
    this.#outgoing.push({ header, stream });
    this.#scheduleFlush();
  }

  /**
   * Adds one item to the open batch frame when it was opened with this same
   * `batchHeader` object, or opens a new batch frame. Returns how many items the
   * open batch now holds (1: a new frame was opened). Callers check the item with
   * assertCloneable first: a value V8 cannot serialize would spoil the batch.
   */
  appendItem(batchHeader: object, item: unknown): number {
    if (this.#openBatch?.header !== batchHeader) {
      const stream = new ItemStream();
      stream.add(item);
      this.#openBatch = { header: batchHeader, stream };
      this.#outgoing.push(this.#openBatch);
      this.#scheduleFlush();
      return 1;
    }
    this.#openBatch.stream.add(item);
    return this.#openBatch.stream.count;
  }

  /** Writes everything queued now, instead of at the end of this turn. */
  flush(): void {
    if (this.#flushScheduled) clearImmediate(this.#flushScheduled);
    this.#flushScheduled = undefined;
    this.#openBatch = undefined;
    const frames = this.#outgoing;
    this.#outgoing = [];
    if (frames.length === 0 || this.#socket.destroyed || this.#socket.writableEnded) return;
    this.#socket.cork();
    for (const { header, stream } of frames) {
      for (const part of encodeFrame(header, stream)) {
        if (part.length === 0) continue;
        this.#writesInFlight += 1;
        this.#socket.write(part, () => this.#writeDone());
      }
    }
    this.#socket.uncork();
  }

  #writeDone(): void {
    this.#writesInFlight -= 1;
    if (!this.busy) this.#onIdle();
  }

  #scheduleFlush(): void {
    this.#flushScheduled ??= setImmediate(() => this.flush());
  }
}
