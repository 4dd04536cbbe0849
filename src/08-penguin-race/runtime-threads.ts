/**
 * The threads runtime (the seed's threading version): every penguin and every
 * fly is a worker thread running thread-actor.js, talking to the server over
 * its message port. The server stays on the main thread: it owns the state,
 * and the messages from all the ports reach it one at a time through the main
 * event loop, which serializes them (the server's AsyncLock then guards the
 * rules themselves). Nothing is shared: positions travel as messages.
 */
import { Worker } from 'node:worker_threads';
import { compiledEntry } from '../paths.js';
import { SessionRoster } from './host-session.js';
import { everyActor, type ActorInfo, type ActorReport, type RaceRuntime, type RuntimeContext } from './runtime.js';

export class ThreadsRuntime implements RaceRuntime {
  readonly actors: ActorInfo[] = [];
  readonly #context: RuntimeContext;
  readonly #roster: SessionRoster;
  readonly #workers: Worker[] = [];
  readonly #exits: Promise<void>[] = [];

  constructor(context: RuntimeContext) {
    this.#context = context;
    this.#roster = new SessionRoster(context, everyActor(context.options.rules));
  }

  async launch(): Promise<void> {
    const entry = compiledEntry('08-penguin-race/thread-actor.ts');
    for (const session of this.#roster.sessions) {
      const { role, id } = session;
      // execArgv: [] so workers do not inherit a TypeScript loader: they run the compiled JavaScript.
      const worker = new Worker(entry, { execArgv: [], workerData: { role, id }, stdout: false, stderr: false });
      this.#workers.push(worker);
      this.actors.push({ role, id, threadId: worker.threadId });
      let uncaught: Error | undefined;
      worker.on('error', (error) => (uncaught = error));
      worker.on('message', (message: { type?: string }) => {
        if (message?.type === 'hello') session.attach({ send: (reply) => worker.postMessage(reply) });
        session.receive(message);
      });
      this.#exits.push(
        new Promise((resolve) =>
          worker.once('exit', (code) => {
            session.lost(uncaught ? `its worker failed: ${uncaught.message}` : `its worker exited with code ${code}`);
            resolve();
          }),
        ),
      );
    }
    await this.#roster.whenAllReady(this.#context.options.startTimeoutMs, 'worker threads');
  }

  begin(): void {
    this.#roster.begin();
  }

  async close(): Promise<ActorReport[]> {
    const reports = await this.#roster.finish(5000);
    await Promise.all(this.#workers.map((worker) => worker.terminate().catch(() => undefined)));
    await Promise.all(this.#exits);
    return reports;
  }
}
