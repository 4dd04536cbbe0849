/**
 * The owner's side of the transport: it keeps the Mailboxes of one Queue or Pipe
 * and serves them to remote handles, so that any thread or process holding the
 * address (a worker, a child, a grandchild) can put and take. Each remote handle
 * is one connection (served-connection.ts) over a link: a pair of local sockets
 * (socket-link.ts), or a MessagePort for a worker thread the kit started
 * (port-link.ts, thread-links.ts).
 *
 * The server never keeps the owner alive (it is unref'd): the owner lives as long
 * as its own work, threads and children do. It shuts down by itself once every
 * mailbox is finished (closed and drained), or at once on `dispose()`.
 */
import { createServer, type Server } from 'node:net';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { LocalEndpoint } from './endpoint.js';
import type { Link } from './link.js';
import { Mailbox } from './mailbox.js';
import { PortLink } from './port-link.js';
import type { ClientMessage, Delivery } from './protocol.js';
import { ServedConnection } from './served-connection.js';
import { SocketPairing, uniqueSocketAddress } from './socket-link.js';
import { offerThreadLinks } from './thread-links.js';

/** One mailbox: how many items it holds at most, and how it hands them to consumers elsewhere. */
export interface MailboxSpec {
  capacity: number;
  delivery: Delivery;
}

export class TransportHost<T> {
  /** Where remote handles connect. */
  readonly address = uniqueSocketAddress();
  readonly #mailboxes: Mailbox<T>[];
  readonly #server: Server;
  readonly #pairing = new SocketPairing<ClientMessage>((link) => this.#serve(link));
  readonly #connections = new Set<ServedConnection<T>>();
  readonly #withdrawThreadLinks: () => void;
  #shutDown = false;

  constructor(specs: readonly MailboxSpec[]) {
    this.#mailboxes = specs.map(({ capacity, delivery }) => new Mailbox<T>(capacity, delivery));
    this.#mailboxes.forEach((mailbox, index) =>
      mailbox.watch({
        creditNeeded: () => this.#connections.forEach((connection) => connection.revoke(index)),
        closed: () => this.#connections.forEach((connection) => connection.tellClosed(index)),
        finished: () => {
          if (this.#mailboxes.every((each) => each.finished)) this.#shutdown();
        },
      }),
    );
    this.#server = createServer((socket) => this.#pairing.accept(socket));
    // Listening fails only if the address is taken, which a fresh UUID rules out;
    // a remote handle would then report the mailbox as unreachable.
    this.#server.on('error', () => this.#shutdown());
    this.#server.listen(this.address);
    this.#server.unref();
    this.#withdrawThreadLinks = offerThreadLinks(this.address, () => this.#openPort());
  }

  /** The owner's own access to mailbox `index`. */
  endpoint(index: number): LocalEndpoint<T> {
    return new LocalEndpoint(this.#mailboxes[index]);
  }

  /** Closes every mailbox, drops what is left and stops serving; resolves once every link is closed. */
  async dispose(): Promise<void> {
    for (const mailbox of this.#mailboxes) mailbox.close(true);
    this.#shutdown();
    const connections = [...this.#connections];
    for (const connection of connections) connection.end(true);
    await Promise.all(connections.map((connection) => connection.closed));
  }

  /** A new MessagePort served as a connection, for a worker thread (see thread-links.ts). */
  #openPort(): MessagePort {
    const { port1, port2 } = new MessageChannel();
    this.#servePort(port1);
    return port2;
  }

  #servePort(port: MessagePort): void {
    this.#serve(new PortLink<ClientMessage>(port, (handedOver) => this.#servePort(handedOver)));
  }

  #serve(link: Link<ClientMessage>): void {
    const connection = new ServedConnection(link, this.#mailboxes);
    // After shutdown the connection still hears which mailboxes are closed, then ends.
    if (this.#shutDown) return connection.end();
    this.#connections.add(connection);
    void connection.closed.then(() => this.#connections.delete(connection));
  }

  #shutdown(): void {
    if (this.#shutDown) return;
    this.#shutDown = true;
    this.#server.close();
    this.#pairing.clear();
    this.#withdrawThreadLinks();
    for (const connection of this.#connections) connection.end();
  }
}
