/**
 * A report channel that code sharing the writer's process cannot forge: every
 * line carries a sequence number and an HMAC-SHA256 over it, keyed with a
 * secret that only the reader and the signer hold. Anything else written to
 * the channel (a forged line, a replayed one, a line out of order) fails
 * verification and is counted, never believed.
 *
 * The signer runs in the untrusted process, so it signs with hmac-sha256.ts
 * (plain JavaScript on frozen intrinsics, the key in a closure); the reader,
 * on the trusted side, checks with node:crypto.
 *
 * Line format: `<hex hmac> <json {"seq":n,"event":...}>\n`, seq from 1 up.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { hmacSha256 } from './hmac-sha256.js';

export const REPORT_KEY_BYTES = 32;

/** Signs events one after another (the signer's side). Everything it uses is taken when it is made. */
export class ReportSigner {
  readonly #mac: (message: Uint8Array) => Uint8Array;
  readonly #encode: (text: string) => Uint8Array;
  readonly #stringify = JSON.stringify;
  #seq = 0;

  constructor(key: Uint8Array) {
    if (key.length !== REPORT_KEY_BYTES) throw new RangeError(`the report key must be ${REPORT_KEY_BYTES} bytes, got ${key.length}`);
    this.#mac = hmacSha256(key);
    const encoder = new TextEncoder();
    this.#encode = encoder.encode.bind(encoder);
  }

  /** The signed line for `event` (with its newline). */
  sign(event: unknown): string {
    const body = this.#stringify({ seq: ++this.#seq, event });
    const mac = this.#mac(this.#encode(body));
    let hex = '';
    for (let i = 0; i < mac.length; i++) hex += HEX[mac[i]];
    return `${hex} ${body}\n`;
  }
}

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** Reads a channel's lines and keeps the events whose signature and order are right (the reader's side). */
export class ReportVerifier<Event> {
  readonly events: Event[] = [];
  /** Lines that were not the signer's: forged, replayed, out of order, or cut. */
  rejected = 0;
  #key: Buffer;
  #nextSeq = 1;
  #pending = '';

  constructor(key: Buffer) {
    this.#key = Buffer.from(key);
  }

  /** Feeds bytes read from the channel. */
  push(chunk: Buffer | string): void {
    this.#pending += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    let newline: number;
    while ((newline = this.#pending.indexOf('\n')) >= 0) {
      this.#line(this.#pending.slice(0, newline));
      this.#pending = this.#pending.slice(newline + 1);
    }
  }

  /** The channel closed: a last line without its newline is not believed. */
  end(): void {
    if (this.#pending.trim() !== '') this.rejected += 1;
    this.#pending = '';
  }

  #line(line: string): void {
    const space = line.indexOf(' ');
    const mac = space === 64 ? Buffer.from(line.slice(0, 64), 'hex') : undefined;
    const body = line.slice(space + 1);
    const expected = createHmac('sha256', this.#key).update(body).digest();
    if (!mac || mac.length !== expected.length || !timingSafeEqual(mac, expected)) {
      if (line.trim() !== '') this.rejected += 1;
      return;
    }
    const parsed = JSON.parse(body) as { seq: number; event: Event };
    // A signed line out of order cannot come from the signer, which numbers its lines itself.
    if (parsed.seq !== this.#nextSeq) {
      this.rejected += 1;
      return;
    }
    this.#nextSeq += 1;
    this.events.push(parsed.event);
  }
}
