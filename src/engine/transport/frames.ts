/**
 * Frames: how mailbox messages travel as bytes, over a socket or a MessagePort.
 *
 * A socket carries a stream of bytes with no message boundaries, so every message
 * is a frame that starts with its length:
 *
 *   [u32 body length][u32 header length][header][u32 item count][items]
 *
 * The header is a small control object (which request, which mailbox), in JSON:
 * cheaper than a V8 serializer for a few numbers and a word, and every frame has one
 * (a get's acknowledgement is a header alone). The items
 * are written one after another into one V8 serializer stream: the same structured
 * clone format that worker_threads and `serialization: 'advanced'` use, so Map, Set,
 * Date, typed arrays and friends survive. Writing each item into the open stream
 * when it is put takes a snapshot (later changes to the object do not travel) and
 * costs far less than serializing every item on its own; many items then share one
 * frame and one write (outbox.ts batches them).
 */
import { Buffer } from 'node:buffer';
import { DefaultDeserializer, DefaultSerializer } from 'node:v8';

/** One decoded message: its control header and the items it carries. */
export interface Frame<Header> {
  header: Header;
  items: unknown[];
}

const U32 = 4;
const NO_ITEMS = Buffer.alloc(0);

/** Items serialized into one open V8 stream, waiting to be framed. */
export class ItemStream {
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

/** A frame waiting to be written: its header and, for a batch, its open item stream. */
export interface OutgoingFrame {
  header: object;
  stream?: ItemStream;
}

/** The bytes of `frames`, one after another. */
export function encodeFrames(frames: readonly OutgoingFrame[]): Buffer {
  const parts: Buffer[] = [];
  for (const { header, stream } of frames) {
    const headerBytes = Buffer.from(JSON.stringify(header));
    const itemBytes = stream && stream.count > 0 ? stream.bytes() : NO_ITEMS;
    const prefix = Buffer.allocUnsafe(U32 * 2);
    const countBytes = Buffer.allocUnsafe(U32);
    prefix.writeUInt32LE(U32 + headerBytes.length + U32 + itemBytes.length, 0);
    prefix.writeUInt32LE(headerBytes.length, U32);
    countBytes.writeUInt32LE(stream?.count ?? 0, 0);
    parts.push(prefix, headerBytes, countBytes, itemBytes);
  }
  return Buffer.concat(parts);
}

function decodeBody<Header>(body: Buffer): Frame<Header> {
  const headerLength = body.readUInt32LE(0);
  const header = JSON.parse(body.toString('utf8', U32, U32 + headerLength)) as Header;
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
