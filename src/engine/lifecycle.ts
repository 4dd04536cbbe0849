/**
 * The life cycle Python's `threading.Thread` and `multiprocessing.Process` share,
 * written once for the kit's Thread and Process:
 *
 *   new ──start()──▶ alive ──(target returns, throws, or is ended)──▶ ended
 *
 * - `start()` may be called once; `join()` waits for the end and gives the
 *   target's result (or rejects with its error);
 * - `join(timeout)` gives up waiting after `timeout` ms with a JoinTimeoutError,
 *   and does NOT stop the thread or process (as in Python);
 * - a subclass may override `run()` instead of passing a target (Python's
 *   "OO style"). `run` is sent to the worker as source text and called there with
 *   `this` bound to a COPY of the object's own data fields (structured-cloned when
 *   `start()` is called), plus `name` and `daemon`. Changes made to `this` in the
 *   worker are not seen by the original object: return what you want back.
 *
 * Thread and Process only say how to launch a task and how it ended (`launch`
 * and `ended`); everything else lives here.
 */
import { assertCloneable } from './cloneable.js';
import { describeModule, isModuleTarget, type ModuleSource, type ModuleTarget } from './module-loader.js';
import type { ShippedMethod, TaskDescription } from './module-task.js';
import { revivalTable } from './revivable.js';
import { shipFunction, type ShippedFunction } from './shipped-function.cjs';

export type { ModuleTarget } from './module-loader.js';

/** What to run: a function (sent as source text) or a module's export. */
export type Target<A extends unknown[], R> = ((...args: A) => R) | ModuleTarget;

/** Options common to Thread and Process. */
export interface RunnerOptions<A extends unknown[], R> {
  /** The function to run (its return value, or what its Promise resolves to, is the result). */
  target?: Target<A, R>;
  /** Arguments for the target; copied (structured clone), never shared. */
  args?: A;
  /** Shown in messages; default "Thread-1", "Process-2", ... */
  name?: string;
  /** A daemon does not keep the program alive (see Thread and Process for details). */
  daemon?: boolean;
}

/** `join(timeout)` waited `timeout` ms and the thread or process is still running. */
export class JoinTimeoutError extends Error {
  override readonly name = 'JoinTimeoutError';
  constructor(
    readonly runnerName: string,
    readonly timeoutMs: number,
    what: string,
  ) {
    super(`${what} is still running after ${timeoutMs} ms: join timed out (join does not stop it)`);
  }
}

/** The thread or process ended without a result: terminated, killed, or exited with an error code. */
export class EndedEarlyError extends Error {
  override readonly name = 'EndedEarlyError';
}

/** How a launched task ended, as reported by Thread or Process. */
export type Ending =
  | { readonly kind: 'result'; readonly value: unknown }
  | { readonly kind: 'error'; readonly error: unknown }
  | { readonly kind: 'no-result'; readonly reason: string; readonly clean: boolean };

type State = 'new' | 'alive' | 'ended';

const namesGiven = new Map<string, number>();
/** Prototypes of the kit's own classes: methods from here on are not the user's. */
const kitPrototypes = new Set<object>();

/** Marks Thread/Process as kit classes (their methods are not shipped with a subclass's run). */
export function registerKitClass(kitClass: { prototype: object }): void {
  kitPrototypes.add(kitClass.prototype);
}

/** The shared base of Thread and Process. */
export abstract class Runner<R = unknown, A extends unknown[] = unknown[]> {
  // Private (#) fields are not own properties: `this` copied for run() holds only the user's fields.
  readonly #kind: string;
  readonly #name: string;
  readonly #daemon: boolean;
  readonly #task: Omit<TaskDescription, 'self'>;
  /** Class style: no target was given and a subclass overrides run(). */
  readonly #runsOwnMethod: boolean;
  #state: State = 'new';
  #joined = false;
  /** join() calls waiting now. */
  #joiners = 0;
  readonly #ended: Promise<unknown>;
  #settle!: (ending: Ending) => void;

  protected constructor(kind: string, options: RunnerOptions<A, R> | undefined) {
    if (options !== undefined && (typeof options !== 'object' || options === null)) {
      throw new TypeError(`options must be an object like { target, args }, got ${String(options)}`);
    }
    const { target, args = [] as unknown as A, name, daemon = false } = options ?? {};
    this.#kind = kind;
    if (name !== undefined && typeof name !== 'string') throw new TypeError(`name must be a string, got ${typeof name}`);
    if (typeof daemon !== 'boolean') throw new TypeError(`daemon must be true or false, got ${String(daemon)}`);
    this.#name = name ?? nextName(kind);
    this.#daemon = daemon;
    if (!Array.isArray(args)) throw new TypeError(`args must be an array of arguments, got ${typeof args}`);
    args.forEach((arg, index) => assertCloneable(arg, `args[${index}]`));
    this.#runsOwnMethod = target === undefined && this.run !== Runner.prototype.run;
    if (target !== undefined) {
      this.#task = { source: describeTarget(target, 'target'), args: [...args] };
    } else if (this.#runsOwnMethod) {
      this.#task = { source: shipFunction(this.run, 'run'), args: [...args] };
    } else {
      throw new TypeError(
        `${kind} '${this.#name}' has nothing to run: pass { target: someFunction }, ` + `or extend ${kind} and override run()`,
      );
    }
    this.#ended = new Promise<unknown>((resolve, reject) => {
      this.#settle = (ending) => {
        if (ending.kind === 'result') resolve(ending.value);
        else if (ending.kind === 'error') reject(ending.error);
        else if (ending.clean) resolve(undefined);
        else reject(new EndedEarlyError(`${this.#describe()} ${ending.reason} before returning a result`));
      };
    });
    this.#ended.catch(() => undefined); // Not joining is allowed: ended() shows an error nobody waits for.
  }

  /**
   * What the worker runs when no target was given: override it in a subclass.
   * In the worker, `this` is a copy of this object's data fields (and `name`, `daemon`).
   */
  run(..._args: A): R | PromiseLike<R> {
    throw new Error(`override run() in a subclass of ${this.#kind}, or pass { target }`);
  }

  get name(): string {
    return this.#name;
  }

  get daemon(): boolean {
    return this.#daemon;
  }

  /** True between start() and the end of the run. */
  get isAlive(): boolean {
    return this.#state === 'alive';
  }

  /** Starts running the target in a new thread or process. Can be called only once. */
  start(): this {
    if (this.#state !== 'new') {
      throw new Error(`${this.#describe()} was already started: a ${this.#kind} can be started only once`);
    }
    const self = this.#selfCopy();
    const revival = revivalTable(this.#task.args, ...(self.self ? [self.self.fields] : []));
    const task: TaskDescription = { ...this.#task, ...self, ...(Object.keys(revival).length > 0 ? { revival } : {}) };
    this.launch(task);
    this.#state = 'alive';
    return this;
  }

  /**
   * Waits for the end and gives the target's result. Rejects with the target's
   * error, with an EndedEarlyError when it was stopped, or with a
   * JoinTimeoutError after `timeout` ms (which leaves it running).
   */
  async join(timeout?: number): Promise<Awaited<R>> {
    if (timeout !== undefined && (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout < 0)) {
      throw new RangeError(`timeout must be a finite number of milliseconds >= 0, got ${String(timeout)}`);
    }
    if (this.#state === 'new') {
      throw new Error(`cannot join ${this.#describe()} before it is started (call start() first)`);
    }
    this.#joined = true;
    if (this.#state === 'ended') return this.#ended as Promise<Awaited<R>>;
    // A daemon does not keep the program alive, but waiting for it must (as in Python).
    if (this.#joiners++ === 0) this.holdProgram(true);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      if (timeout === undefined) return;
      timer = setTimeout(() => reject(new JoinTimeoutError(this.#name, timeout, this.#describe())), timeout);
    });
    try {
      return (await Promise.race([this.#ended, timedOut])) as Awaited<R>;
    } finally {
      clearTimeout(timer);
      if (--this.#joiners === 0 && this.#state === 'alive') this.holdProgram(false);
    }
  }

  /**
   * While someone joins a daemon, its worker or child must keep the program
   * alive (`hold` true), and stop doing so after (`hold` false).
   */
  protected abstract holdProgram(hold: boolean): void;

  /** Starts the task in a new thread or process; report its end with `ended`. */
  protected abstract launch(task: TaskDescription): void;

  /** Called by Thread/Process once, when the task has ended and its resources are gone. */
  protected ended(ending: Ending): void {
    if (this.#state === 'ended') return;
    this.#state = 'ended';
    if (ending.kind === 'error' && !this.#joined) {
      // Like Python's threading.excepthook: an error nobody waits for is still shown.
      const error = ending.error as { stack?: unknown };
      console.error(`Exception in ${this.#describe()}:\n${typeof error?.stack === 'string' ? error.stack : String(ending.error)}`);
    }
    this.#settle(ending);
  }

  /** Throws an error naming this thread/process unless it was started. */
  protected requireStarted(action: string): void {
    if (this.#state === 'new') throw new Error(`cannot ${action} ${this.#describe()}: it was never started`);
  }

  /** e.g. "thread 'counter'". */
  #describe(): string {
    return `${this.#kind.toLowerCase()} '${this.#name}'`;
  }

  /** Class style: the copy of this object that `this` is bound to in the worker. */
  #selfCopy(): Pick<TaskDescription, 'self'> {
    if (!this.#runsOwnMethod) return {};
    const fields: Record<string, unknown> = { name: this.#name, daemon: this.#daemon };
    for (const [key, value] of Object.entries(this)) {
      if (typeof value === 'function') continue;
      assertCloneable(value, `this.${key}`);
      fields[key] = value;
    }
    return { self: { fields, methods: this.#ownMethods() } };
  }

  /** The subclass's methods other than run (so run can call `this.helper()`). */
  #ownMethods(): ShippedMethod[] {
    const methods: ShippedMethod[] = [];
    const seen = new Set<string>(['constructor', 'run']);
    for (
      let proto = Object.getPrototypeOf(this) as object | null;
      proto && !kitPrototypes.has(proto);
      proto = Object.getPrototypeOf(proto)
    ) {
      if (proto === Runner.prototype) break;
      for (const key of Object.getOwnPropertyNames(proto)) {
        const descriptor = Object.getOwnPropertyDescriptor(proto, key);
        if (seen.has(key) || typeof descriptor?.value !== 'function') continue;
        seen.add(key);
        methods.push({ key, fn: shipFunction(descriptor.value, `method ${key}`) });
      }
    }
    return methods;
  }
}

/** Checks a `target` option and returns it as data; errors name `parameterName`. */
function describeTarget(target: unknown, parameterName: string): ShippedFunction | ModuleSource {
  if (typeof target === 'function') return shipFunction(target, parameterName);
  if (isModuleTarget(target)) return describeModule(target, parameterName);
  throw new TypeError(`${parameterName} must be a function or { module, export }, got ${target === null ? 'null' : typeof target}`);
}

function nextName(kind: string): string {
  const count = (namesGiven.get(kind) ?? 0) + 1;
  namesGiven.set(kind, count);
  return `${kind}-${count}`;
}
