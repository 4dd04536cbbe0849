/**
 * A link over local sockets: between processes, and between threads that got a
 * handle as plain data. The owner listens on a Unix domain socket: in Linux's
 * abstract namespace (no file to clean up), a file in the temp folder on other
 * Unix systems, a named pipe on Windows. Its address is plain text, so a handle
 * that names it can be copied anywhere: structured clone, JSON, argv.
 *
 * One socket per direction. A remote handle opens two connections, says which
 * is which in a first `hello` frame, and only writes to one (requests) and only
 * reads from the other (answers, pushed items). The reason is what the kernel
 * does when a process dies: everything it wrote is still delivered, then end of
 * file, but a socket that also carries data the other way may be reset first
 * (a peer that dies with unread data resets the connection; a write to a dead
 * peer fails, and Node then drops the socket with whatever it had not read). On
 * a socket the owner never writes to, neither can happen: the owner reads every
 * byte a dead handle wrote, its last acknowledgements included.
 */
import { randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeFrames, FrameReader, type Frame } from './frames.js';
import type { Link, LinkEvents } from './link.js';
import { Outbox } from './outbox.js';

/** A fresh local socket address that only this call knows. */
export function uniqueSocketAddress(): string {
  const unique = `course-kit-${process.pid}-${randomUUID()}`;
  if (process.platform === 'win32') return `\\\\.\\pipe\\${unique}`;
  if (process.platform === 'linux') return `\0${unique}`;
  return join(tmpdir(), `${unique}.sock`);
}

/** The first frame on each socket of a pair: which pair, and which direction (seen from the owner). */
interface Hello {
  t: 'hello';
  pair: string;
  direction: 'to-owner' | 'from-owner';
}

export class SocketLink<In> implements Link<In> {
  readonly outbox: Outbox;
  readonly #incoming: Socket;
  readonly #outgoing: Socket;
  readonly #reader: FrameReader<In>;
  readonly #early: Frame<In>[];
  readonly #closed: Promise<void>;
  #reached = false;

  /** `early`: frames `reader` already read from `incoming` (the owner reads the hello first). */
  constructor(incoming: Socket, outgoing: Socket, reader = new FrameReader<In>(), early: Frame<In>[] = []) {
    this.#incoming = incoming;
    this.#outgoing = outgoing;
    this.#reader = reader;
    this.#early = early;
    this.#reached = !incoming.connecting;
    incoming.once('connect', () => (this.#reached = true));
    outgoing.unref(); // a write in progress keeps the process alive by itself
    outgoing.on('error', () => {}); // the other side is gone: 'close' on the incoming socket tells
    incoming.on('error', () => {}); // 'close' follows
    outgoing.resume(); // nothing comes this way, but its end of file must be seen for the socket to close
    this.outbox = new Outbox((bytes) => {
      if (outgoing.destroyed || outgoing.writableEnded) return true; // the other side is gone: nobody to tell
      let wrote!: () => void;
      const written = new Promise<void>((resolve) => (wrote = resolve));
      outgoing.write(bytes, () => wrote());
      // Node writes into the kernel at once when it can; otherwise the bytes wait here, and so does the caller.
      return outgoing.writableLength === 0 && !outgoing.connecting ? true : written;
    });
    const closes = (socket: Socket) => new Promise<void>((resolve) => (socket.closed ? resolve() : socket.once('close', () => resolve())));
    this.#closed = Promise.all([closes(incoming), closes(outgoing)]).then(() => undefined);
  }

  get reached(): boolean {
    return this.#reached;
  }

  start(events: LinkEvents<In>): void {
    for (const frame of this.#early.splice(0)) events.frame(frame);
    this.#incoming.on('data', (chunk: Buffer) => {
      for (const frame of this.#reader.push(chunk)) events.frame(frame);
    });
    this.#incoming.once('close', () => {
      this.outbox.discard();
      this.#outgoing.end();
      events.closed();
    });
    this.#incoming.resume();
  }

  keepAlive(keep: boolean): void {
    if (keep) this.#incoming.ref();
    else this.#incoming.unref();
  }

  end(hold: boolean): Promise<void> {
    if (hold) for (const socket of [this.#incoming, this.#outgoing]) socket.ref();
    this.outbox.flush();
    this.#outgoing.end();
    return this.#closed;
  }
}

/** A remote handle's side: two connections to the owner at `address`. */
export function connectSocketLink<In>(address: string): SocketLink<In> {
  const pair = randomUUID();
  const open = (direction: Hello['direction']) => {
    const socket = connect(address);
    socket.write(encodeFrames([{ header: { t: 'hello', pair, direction } satisfies Hello }]));
    return socket;
  };
  const toOwner = open('to-owner');
  const fromOwner = open('from-owner');
  fromOwner.unref();
  return new SocketLink<In>(fromOwner, toOwner);
}

/**
 * The owner's side: pairs the two connections of each remote handle by their
 * hello frames, and hands over a link once both are there.
 */
export class SocketPairing<In> {
  readonly #halves = new Map<string, { toOwner?: { socket: Socket; reader: FrameReader<In>; early: Frame<In>[] }; fromOwner?: Socket }>();
  readonly #paired: (link: SocketLink<In>) => void;

  constructor(paired: (link: SocketLink<In>) => void) {
    this.#paired = paired;
  }

  accept(socket: Socket): void {
    socket.unref();
    socket.on('error', () => {});
    const reader = new FrameReader<In | Hello>();
    const onData = (chunk: Buffer) => {
      const frames = reader.push(chunk);
      if (frames.length === 0) return;
      socket.off('data', onData);
      socket.pause();
      const hello = frames[0].header as Hello;
      if (hello?.t !== 'hello' || typeof hello.pair !== 'string') return void socket.destroy(); // not our protocol
      const half = this.#halves.get(hello.pair) ?? {};
      this.#halves.set(hello.pair, half);
      socket.once('close', () => this.#halves.delete(hello.pair));
      if (hello.direction === 'to-owner') {
        half.toOwner = { socket, reader: reader as FrameReader<In>, early: frames.slice(1) as Frame<In>[] };
      } else half.fromOwner = socket;
      if (half.toOwner && half.fromOwner) {
        this.#halves.delete(hello.pair);
        this.#paired(new SocketLink<In>(half.toOwner.socket, half.fromOwner, half.toOwner.reader, half.toOwner.early));
      }
    };
    socket.on('data', onData);
  }

  /** Drops the connections still waiting for their other half. */
  clear(): void {
    for (const half of this.#halves.values()) {
      half.toOwner?.socket.destroy();
      half.fromOwner?.destroy();
    }
    this.#halves.clear();
  }
}
