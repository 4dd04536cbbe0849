/**
 * The net runtime: the server listens on TCP (loopback by default) and every
 * penguin and fly is a separate client process (net-actor.js) that connects to
 * it, says hello, and exchanges newline-delimited JSON. The clients are
 * started here, but nothing ties them to this machine: started by hand with
 * the host and port, they could run anywhere.
 *
 * The server trusts no one: a line that is not JSON, a request before hello, a
 * hello for someone unknown or already connected, a request in someone else's
 * name: each gets an `error` line, and the state is untouched. A line over 64 KB
 * closes the connection. A client that disconnects mid-race is noticed by the
 * socket closing, and its penguin (or fly) is retired.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { compiledEntry } from '../paths.js';
import { endChildren } from './child-processes.js';
import { SessionRoster, type ActorSession } from './host-session.js';
import { readJsonLines, writeJsonLine } from './json-lines.js';
import { parseHello, type HostMessage } from './protocol.js';
import { everyActor, type ActorInfo, type ActorReport, type RaceRuntime, type RuntimeContext } from './runtime.js';

export class NetRuntime implements RaceRuntime {
  readonly actors: ActorInfo[] = [];
  address: { host: string; port: number } | undefined;
  readonly #context: RuntimeContext;
  readonly #roster: SessionRoster;
  readonly #children: ChildProcess[] = [];
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;
  #listening: Promise<void> | undefined;
  #closing = false;

  constructor(context: RuntimeContext) {
    this.#context = context;
    this.#roster = new SessionRoster(context, everyActor(context.options.rules));
  }

  async launch(): Promise<void> {
    const { host, port, startTimeoutMs } = this.#context.options;
    const server = createServer((socket) => this.#accept(socket));
    this.#server = server;
    this.#listening = new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    await this.#listening;
    if (this.#closing) return; // stopped while the server was starting: start no client
    const { port: boundPort } = server.address() as AddressInfo;
    this.address = { host, port: boundPort };
    const connectTo = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
    const entry = compiledEntry('08-penguin-race/net-actor.ts');
    for (const { role, id } of this.#roster.sessions) {
      const child = spawn(process.execPath, [entry, connectTo, String(boundPort), role, String(id)], {
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      child.on('error', () => undefined); // its session times out or is lost
      this.#children.push(child);
      this.actors.push({ role, id, pid: child.pid });
    }
    await this.#roster.whenAllReady(startTimeoutMs, 'network clients');
  }

  begin(): void {
    this.#roster.begin();
  }

  async close(): Promise<ActorReport[]> {
    this.#closing = true;
    await this.#listening?.catch(() => undefined);
    const reports = await this.#roster.finish(5000);
    for (const socket of this.#sockets) socket.destroy();
    const server = this.#server;
    if (server?.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    await endChildren(
      this.#children,
      this.#roster.sessions.map((session) => session.state === 'done'),
      2000,
    );
    return reports;
  }

  /** One connection: anonymous until a valid hello binds it to an actor's session. */
  #accept(socket: Socket): void {
    const { server: race, options } = this.#context;
    this.#sockets.add(socket);
    socket.setNoDelay(true);
    let session: ActorSession | undefined;
    const send = (message: HostMessage): void => {
      if (!writeJsonLine(socket, message)) throw new Error('the connection is closed');
    };
    const refuse = (text: string): void => {
      race.refuse(text);
      writeJsonLine(socket, { type: 'error', message: text });
    };
    readJsonLines(socket, {
      onLine: (event) => {
        if (!event.ok) return refuse(event.error);
        if (session) return session.receive(event.value);
        const hello = parseHello(event.value, options.rules);
        if (typeof hello === 'string') return refuse(`${hello} (say hello first)`);
        const slot = this.#roster.get(hello.role, hello.id);
        if (!slot || slot.state !== 'waiting') return refuse(`${hello.role} ${hello.id} is already connected`);
        session = slot;
        slot.attach({ send });
        slot.receive(hello);
      },
      onOverflow: () => {
        refuse('line too long (over 64 KB): closing the connection');
        socket.end();
      },
    });
    socket.on('error', () => undefined); // 'close' follows
    socket.on('close', () => {
      this.#sockets.delete(socket);
      session?.lost('its connection closed');
    });
  }
}
