/**
 * Graceful shutdown: on Ctrl-C (SIGINT), SIGTERM or on request, run every
 * registered handler once, in the order registered (stop the sensors, drain
 * the queue, close the pool, print the summary...), all within one deadline.
 *
 * Node facts this rests on (COURSE.md, pitfall 7):
 * - a listener for SIGINT *replaces* Node's default "exit at once", so after
 *   the handlers the coordinator must end the process itself (`exit: true`);
 * - a second Ctrl-C while shutting down means "now": exit code 130 at once;
 * - worker threads get no signals: the main thread stops them;
 * - in a notebook the process is the kernel: do not listen for signals there,
 *   call `shutdown()` instead.
 */
import { checkFunction, checkTimeout, describeValue } from '../engine/validate.js';

export type ShutdownHandler = (reason: string) => unknown;

export interface ShutdownStep {
  name: string;
  ok: boolean;
  /** The error the handler threw, or "timed out" when the deadline passed first. */
  error?: string;
  ms: number;
}

export interface ShutdownReport {
  reason: string;
  steps: ShutdownStep[];
  /** True when every handler finished in time without throwing. */
  clean: boolean;
  ms: number;
}

export interface ShutdownOptions {
  /** Time for all handlers together, in ms (default 2000). */
  deadlineMs?: number;
}

export interface ListenOptions {
  signals?: NodeJS.Signals[];
  /** After the handlers, exit with 0 (clean) or 1 (default true). */
  exit?: boolean;
  /** Called with the report before exiting. */
  onDone?: (report: ShutdownReport) => void;
}

export class ShutdownCoordinator {
  readonly #handlers: { name: string; handler: ShutdownHandler }[] = [];
  readonly #deadlineMs: number;
  #running: Promise<ShutdownReport> | undefined;
  #unlisten: (() => void) | undefined;

  constructor(options: ShutdownOptions = {}) {
    this.#deadlineMs = checkTimeout(options.deadlineMs ?? 2000, 'deadlineMs')!;
  }

  /** True once shutdown has begun. */
  get shuttingDown(): boolean {
    return this.#running !== undefined;
  }

  /** Adds a handler; handlers run in the order they were registered. */
  register(name: string, handler: ShutdownHandler): this {
    if (typeof name !== 'string' || name === '') throw new TypeError(`name must be a non-empty string, got ${describeValue(name)}`);
    checkFunction(handler, 'handler');
    if (this.#running) throw new Error(`register("${name}"): shutdown has already begun`);
    this.#handlers.push({ name, handler });
    return this;
  }

  /**
   * Runs the handlers once (later calls return the same report). A handler that
   * throws is reported and the next one still runs; when the deadline passes,
   * the handlers not yet finished are reported as timed out.
   */
  shutdown(reason = 'requested'): Promise<ShutdownReport> {
    this.#running ??= this.#run(reason);
    return this.#running;
  }

  async #run(reason: string): Promise<ShutdownReport> {
    const started = performance.now();
    // One timer for the whole shutdown: once it fires, the deadline has passed
    // for every handler still to come, whatever the clocks' rounding says.
    let expired = false;
    let timer: NodeJS.Timeout | undefined;
    const deadlinePassed = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        expired = true;
        reject(new Error(`timed out after ${Math.round(this.#deadlineMs)} ms`));
      }, this.#deadlineMs);
    });
    deadlinePassed.catch(() => {});
    const steps: ShutdownStep[] = [];
    try {
      for (const { name, handler } of this.#handlers) {
        const stepStart = performance.now();
        if (expired) {
          steps.push({ name, ok: false, error: 'timed out (no time left)', ms: 0 });
          continue;
        }
        try {
          await Promise.race([Promise.resolve().then(() => handler(reason)), deadlinePassed]);
          steps.push({ name, ok: true, ms: performance.now() - stepStart });
        } catch (error) {
          steps.push({ name, ok: false, error: error instanceof Error ? error.message : String(error), ms: performance.now() - stepStart });
        }
      }
    } finally {
      clearTimeout(timer);
    }
    return { reason, steps, clean: steps.every((s) => s.ok), ms: performance.now() - started };
  }

  /**
   * Runs shutdown on the first of `signals` (default SIGINT and SIGTERM); a
   * second signal exits at once with 130. Returns a function that removes the
   * listeners.
   */
  listen(options: ListenOptions = {}): () => void {
    const signals = options.signals ?? ['SIGINT', 'SIGTERM'];
    const exit = options.exit ?? true;
    const onSignal = (signal: NodeJS.Signals) => {
      if (this.#running) {
        process.exit(130);
      }
      void this.shutdown(signal).then((report) => {
        options.onDone?.(report);
        if (exit) process.exit(report.clean ? 0 : 1);
      });
    };
    for (const signal of signals) process.on(signal, onSignal);
    this.#unlisten?.();
    this.#unlisten = () => {
      for (const signal of signals) process.off(signal, onSignal);
    };
    return this.#unlisten;
  }
}
