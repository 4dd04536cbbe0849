/**
 * The async runtime (the seed's asyncio version): every penguin and every fly
 * is an async task on this one event loop, and "sending a message" is calling
 * `server.handle(request)` and awaiting the reply. Cheap: 10,000 penguins are
 * 10,000 promises, not 10,000 threads.
 */
import { createActor, type Action, type Actor } from './actors.js';
import { everyActor, type ActorInfo, type ActorReport, type RaceRuntime, type RuntimeContext } from './runtime.js';

export class AsyncRuntime implements RaceRuntime {
  readonly actors: ActorInfo[];
  readonly #context: RuntimeContext;
  readonly #reports: ActorReport[];
  #tasks: Promise<void>[] = [];

  constructor(context: RuntimeContext) {
    this.#context = context;
    this.actors = everyActor(context.options.rules);
    this.#reports = this.actors.map(({ role, id }) => ({
      role,
      id,
      requests: 0,
      replies: 0,
      mismatches: 0,
      reported: true,
      roundTripsMs: [],
    }));
  }

  async launch(): Promise<void> {
    // Nothing to start: tasks cost nothing until begin().
  }

  begin(): void {
    const { rules } = this.#context.options;
    this.#tasks = this.actors.map(({ role, id }, index) => this.#run(createActor(role, id, rules), this.#reports[index]));
  }

  /** One actor as an async task: wait, ask, read the reply, repeat until done. */
  async #run(actor: Actor, report: ActorReport): Promise<void> {
    const { server, clock } = this.#context;
    for (let action: Action | undefined = actor.start(); action !== undefined;) {
      await clock.sleep(action.waitMs);
      report.requests++;
      const sentAt = performance.now();
      const reply = await server.handle(action.request);
      report.roundTripsMs!.push(performance.now() - sentAt);
      report.replies++;
      if (reply.seq !== action.request.seq) report.mismatches++;
      action = actor.next(reply);
    }
  }

  async close(): Promise<ActorReport[]> {
    // The clock has ended and the server answers `done`: every task leaves after at most one request.
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      Promise.allSettled(this.#tasks).then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 5000))),
    ]);
    clearTimeout(timer);
    if (!finished) for (const report of this.#reports) report.reported = false;
    return this.#reports;
  }
}
