/**
 * The owner's side of the transport: it keeps the Mailboxes of one Queue or
 * Pipe and serves them on a local socket, so that any thread or process holding
 * the socket's address (a worker, a child, a grandchild) can put and take.
 *
 * The socket is a Unix domain socket: in Linux's abstract namespace (no file to
 * clean up), a file in the temp folder on other Unix systems, a named pipe on
 * Windows. Its address is plain text, so a handle that names it can be copied
 * anywhere: structured clone, JSON, command-line arguments.
 *
 * The server never keeps the owner alive (it is unref'd): the owner lives as long
 * as its own work, threads and children do. It shuts down by itself once every
 * mailbox is finished (closed and drained), or at once on `dispose()`.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalEndpoint } from './endpoint.js';
import { FrameReader, FrameWriter } from './frames.js';
import { CREDIT_WINDOW, type ClientMessage, type ServerMessage } from './protocol.js';
import { Mailbox } from './mailbox.js';

/** A fresh local socket address that only this call knows. */
function uniqueSocketAddress(): string {
  const unique = `course-kit-${process.pid}-${randomUUID()}`;
  if (process.platform === 'win32') return `\\\\.\\pipe\\${unique}`;
  if (process.platform === 'linux') return `\0${unique}`;
  return join(tmpdir(), `${unique}.sock`);
}

export class TransportHost<T> {
  /** Where remote handles connect. */
  readonly address = uniqueSocketAddress();
  readonly #states: Mailbox<T>[];
  readonly #server: Server;
  readonly #connections = new Set<ServedConnection<T>>();
  #shutDown = false;

  /** One mailbox per entry of `capacities`. */
  constructor(capacities: readonly number[]) {
    this.#states = capacities.map((capacity) => new Mailbox<T>(capacity));
    this.#states.forEach((state, mailbox) =>
      state.watch({
        creditNeeded: () => this.#connections.forEach((connection) => connection.revoke(mailbox)),
        closed: () => this.#connections.forEach((connection) => connection.tellClosed(mailbox)),
        finished: () => {
          if (this.#states.every((each) => each.finished)) this.#shutdown();
        },
      }),
    );
    this.#server = createServer((socket) => this.#accept(socket));
    // Listening fails only if the address is taken, which a fresh UUID rules out;
    // a remote handle would then report the mailbox as unreachable.
    this.#server.on('error', () => this.#shutdown());
    this.#server.listen(this.address);
    this.#server.unref();
  }

  /** The owner's own access to mailbox `mailbox`. */
  endpoint(mailbox: number): LocalEndpoint<T> {
    return new LocalEndpoint(this.#states[mailbox]);
  }

  /** Closes every mailbox, drops what is left and stops serving; resolves once all sockets are closed. */
  async dispose(): Promise<void> {
    for (const state of this.#states) state.close(true);
    this.#shutdown();
    await Promise.all([...this.#connections].map((connection) => connection.closedPromise));
  }

  #accept(socket: Socket): void {
    socket.unref();
    const connection = new ServedConnection(socket, this.#states);
    // After shutdown the connection still hears which mailboxes are closed, then ends.
    if (this.#shutDown) return connection.end();
    this.#connections.add(connection);
    void connection.closedPromise.then(() => this.#connections.delete(connection));
  }

  #shutdown(): void {
    if (this.#shutDown) return;
    this.#shutDown = true;
    this.#server.close();
    for (const connection of this.#connections) connection.end();
  }
}

/** One remote handle's connection, as the owner sees it. */
class ServedConnection<T> {
  readonly closedPromise: Promise<void>;
  readonly #socket: Socket;
  readonly #states: Mailbox<T>[];
  readonly #reader = new FrameReader<ClientMessage>();
  readonly #writer: FrameWriter;
  /** Credit this connection holds, per mailbox. */
  readonly #held: number[];
  readonly #withdraw = new AbortController();
  readonly #inFlight = new Set<Promise<void>>();
  #alive = true;
  #ended = false;

  constructor(socket: Socket, states: Mailbox<T>[]) {
    this.#socket = socket;
    this.#states = states;
    this.#held = states.map(() => 0);
    this.#writer = new FrameWriter(socket);
    this.closedPromise = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const frame of this.#reader.push(chunk)) this.#handle(frame.header, frame.items as T[]);
        // Answer now (new credit above all), before this process's own consumers run.
        this.#writer.flush();
      } catch {
        socket.destroy(); // Not our protocol: drop the connection.
      }
    });
    socket.on('error', () => {}); // 'close' follows; the peer went away.
    socket.once('close', () => this.#gone());
    for (const [mailbox, state] of states.entries()) if (state.closed) this.tellClosed(mailbox);
  }

  /** Asks for this connection's unused credit on `mailbox` back. */
  revoke(mailbox: number): void {
    if (this.#held[mailbox] > 0) this.#send({ t: 'revoke', c: mailbox });
  }

  tellClosed(mailbox: number): void {
    this.#send({ t: 'closed', c: mailbox });
  }

  /**
   * Ends the connection once the answers in flight are sent. (The take that
   * finishes a mailbox is answered a moment after it triggers this call.)
   */
  end(): void {
    setImmediate(() => {
      void Promise.allSettled([...this.#inFlight]).then(() => {
        this.#writer.flush();
        this.#ended = true;
        this.#socket.end();
      });
    });
  }

  #send(message: ServerMessage, items?: readonly unknown[]): void {
    if (this.#alive && !this.#ended) this.#writer.write(message, items);
  }

  #handle(message: ClientMessage, items: T[]): void {
    if (message.t === 'bye') return this.#bye(message.id);
    const state = this.#states[message.c];
    if (!state) throw new Error(`no mailbox ${message.c}`);
    const wait = { timeout: 'timeout' in message ? message.timeout : undefined, keepAlive: false, signal: this.#withdraw.signal };
    switch (message.t) {
      case 'put':
        return this.#track(
          state.put(items[0], wait).then((outcome) => {
            const credit = outcome === 'accepted' && this.#alive ? this.#grant(message.c, state) : 0;
            this.#send({ t: 'put-done', id: message.id, outcome, credit, size: state.size });
          }),
        );
      case 'items': {
        this.#held[message.c] -= items.length;
        state.putReserved(items);
        // Every batch is answered, with 0 when there is no room: the sender may be waiting for this.
        this.#send({ t: 'credit', c: message.c, n: this.#grant(message.c, state) });
        return;
      }
      case 'take':
        return this.#track(
          state.take(message.max, wait).then((outcome) => {
            const taken = outcome.kind === 'items' ? outcome.items : [];
            if (!this.#alive) return state.giveBack(taken);
            this.#send({ t: 'taken', id: message.id, kind: outcome.kind, size: state.size }, taken);
          }),
        );
      case 'return-credit':
        this.#held[message.c] -= message.n;
        return state.unreserve(message.n);
      case 'give-back':
        state.giveBack(items);
        return this.#send({ t: 'ack', id: message.id });
      case 'close':
        state.close(message.discard);
        return this.#send({ t: 'ack', id: message.id });
    }
  }

  /** Tops this connection's credit on `mailbox` up to the window, as far as there is room. */
  #grant(mailbox: number, state: Mailbox<T>): number {
    const granted = state.reserve(CREDIT_WINDOW - this.#held[mailbox]);
    this.#held[mailbox] += granted;
    return granted;
  }

  #track(request: Promise<void>): void {
    this.#inFlight.add(request);
    void request.finally(() => this.#inFlight.delete(request));
  }

  /** Withdraws this connection's waiting requests; `bye` goes out after their answers. */
  #bye(id: number): void {
    this.#withdraw.abort();
    void Promise.allSettled([...this.#inFlight]).then(() => this.#send({ t: 'bye', id }));
  }

  /** The peer is gone: withdraw its waits and release its credit. */
  #gone(): void {
    this.#alive = false;
    this.#withdraw.abort();
    for (const [mailbox, credit] of this.#held.entries()) {
      this.#held[mailbox] = 0;
      if (credit > 0) this.#states[mailbox].unreserve(credit);
    }
  }
}
