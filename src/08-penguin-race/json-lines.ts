/**
 * Newline-delimited JSON over a TCP socket: one message per line, in both
 * directions. A stream has no message boundaries (one `data` event may hold
 * half a message or three), so incoming bytes are buffered and cut at '\n'.
 * A line that is not JSON is reported as such, not thrown; a line longer than
 * `maxLineBytes` is an error (a client cannot make the server buffer forever).
 */
import type { Socket } from 'node:net';

export type LineEvent = { ok: true; value: unknown } | { ok: false; error: string };

export interface JsonLinesOptions {
  maxLineBytes?: number;
  /** Each complete line, parsed (or why it could not be). */
  onLine(event: LineEvent): void;
  /** The peer sent a line over the limit; the reader stops reading. */
  onOverflow?(): void;
}

/** Reads JSON lines from `socket`. */
export function readJsonLines(socket: Socket, options: JsonLinesOptions): void {
  const max = options.maxLineBytes ?? 64 * 1024;
  let buffered = '';
  let stopped = false;
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    if (stopped) return;
    buffered += chunk;
    let newline: number;
    while (!stopped && (newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line === '') continue;
      let event: LineEvent;
      try {
        event = { ok: true, value: JSON.parse(line) as unknown };
      } catch {
        event = { ok: false, error: `not JSON: ${line.length > 40 ? `${line.slice(0, 40)}...` : line}` };
      }
      options.onLine(event);
    }
    if (buffered.length > max) {
      stopped = true;
      buffered = '';
      options.onOverflow?.();
    }
  });
}

/** Writes one message as a line; false when the socket cannot take it (closed). */
export function writeJsonLine(socket: Socket, message: unknown): boolean {
  if (socket.destroyed || !socket.writable) return false;
  socket.write(`${JSON.stringify(message)}\n`);
  return true;
}
