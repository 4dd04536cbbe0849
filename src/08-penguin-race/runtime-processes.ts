/**
 * The processes runtime: every penguin and every fly is a child process
 * (process-actor.js, started with fork), talking to the server in this process
 * over its IPC channel. Each child has its own memory and its own event loop;
 * requests and replies are copied (serialized) both ways.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { compiledEntry } from '../paths.js';
import { endChildren } from './child-processes.js';
import { SessionRoster } from './host-session.js';
import { everyActor, type ActorInfo, type ActorReport, type RaceRuntime, type RuntimeContext } from './runtime.js';

export class ProcessesRuntime implements RaceRuntime {
  readonly actors: ActorInfo[] = [];
  readonly #context: RuntimeContext;
  readonly #roster: SessionRoster;
  readonly #children: ChildProcess[] = [];

  constructor(context: RuntimeContext) {
    this.#context = context;
    this.#roster = new SessionRoster(context, everyActor(context.options.rules));
  }

  async launch(): Promise<void> {
    const entry = compiledEntry('08-penguin-race/process-actor.ts');
    for (const session of this.#roster.sessions) {
      const { role, id } = session;
      // execArgv: [] so children do not inherit a TypeScript loader: they run the compiled JavaScript.
      const child = fork(entry, [role, String(id)], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      this.#children.push(child);
      this.actors.push({ role, id, pid: child.pid });
      child.on('message', (message: { type?: string }) => {
        if (message?.type === 'hello') {
          session.attach({
            send: (reply) => {
              if (child.connected) child.send(reply);
            },
          });
        }
        session.receive(message);
      });
      child.on('error', () => undefined); // reported by 'exit' (or the start timeout)
      child.once('exit', (code, signal) =>
        session.lost(signal ? `its process was killed by ${signal}` : `its process exited with code ${code}`),
      );
    }
    await this.#roster.whenAllReady(this.#context.options.startTimeoutMs, 'child processes');
  }

  begin(): void {
    this.#roster.begin();
  }

  async close(): Promise<ActorReport[]> {
    const reports = await this.#roster.finish(5000);
    await endChildren(
      this.#children,
      this.#roster.sessions.map((session) => session.state === 'done'),
      2000,
    );
    return reports;
  }
}
