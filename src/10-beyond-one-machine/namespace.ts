/**
 * An engine's namespace: the variables that stay on that engine between calls,
 * as an IPython engine keeps its own globals. `execute('a = 1')` then
 * `pull('a')` gives 1 on that engine, and only there: each engine is its own
 * process, perhaps on another machine, and nothing is shared (distributed
 * memory, seed 004).
 *
 * The namespace is a `vm` context: code and functions sent to the engine run
 * with it as their global scope, so a function applied on an engine sees what
 * was pushed there. The context has JavaScript's built-ins plus a few of
 * Node's (console, timers, Buffer, process) and `engine` ({ id, host, pid }).
 */
import { createContext, runInContext, type Context } from 'node:vm';
import { explainMissingVariable } from '../engine/shipped-function.cjs';
import { checkName, type EngineInfo, type FunctionText } from './protocol.js';

/** `pull` of a name the engine does not have (Python's NameError). */
export class NameNotFoundError extends Error {
  override name = 'NameError';
}

/** Synchronous code sent with execute() may run this long before it is stopped. */
const EXECUTE_TIMEOUT_MS = 30_000;

export class Namespace {
  readonly #context: Context;

  constructor(private readonly engine: EngineInfo) {
    this.#context = createContext({
      engine: { ...engine },
      console,
      process,
      Buffer,
      setTimeout,
      clearTimeout,
      setInterval,
      clearInterval,
      setImmediate,
      clearImmediate,
      queueMicrotask,
      structuredClone,
      performance,
      TextEncoder,
      TextDecoder,
      URL,
      // esbuild (tsx) wraps named functions in __name(fn, "name"): harmless here.
      __name: (target: unknown) => target,
    });
  }

  /** Runs `code` as a script in the namespace: `a = 1` (or `var a = 1`) defines `a` there. */
  execute(code: string): void {
    if (typeof code !== 'string') throw new TypeError(`execute needs code as a string, got ${typeof code}`);
    try {
      runInContext(code, this.#context, { filename: `engine-${this.engine.id}`, timeout: EXECUTE_TIMEOUT_MS });
    } catch (error) {
      throw asMainRealmError(error);
    }
  }

  push(values: Record<string, unknown>): void {
    for (const [name, value] of Object.entries(values)) this.#context[checkName(name, 'a pushed name')] = value;
  }

  /** The value of `name`; a NameNotFoundError naming this engine if it was never pushed or assigned. */
  pull(name: string): unknown {
    checkName(name, 'pull');
    if (name in this.#context) return this.#context[name];
    try {
      return runInContext(name, this.#context); // a `let` or `const` from execute() lives outside the global object
    } catch (error) {
      if ((error as { name?: unknown } | null)?.name !== 'ReferenceError') throw asMainRealmError(error);
      throw new NameNotFoundError(`engine ${this.engine.id} (${this.engine.host}) has no "${name}": it was never pushed or assigned there`);
    }
  }

  /** Calls a function sent as source, with the namespace as its globals. */
  async apply(fn: FunctionText, args: readonly unknown[]): Promise<unknown> {
    // A global looked up inside a vm context is slow (each lookup goes through the context's
    // object): the built-ins a computation uses most are bound once, as local constants.
    const compiled = runInContext(`(() => {\n${FAST_BUILT_INS}\nreturn (${fn.source});\n})()`, this.#context) as (
      ...args: unknown[]
    ) => unknown;
    try {
      return await compiled(...args);
    } catch (error) {
      throw explainMissingVariable(asMainRealmError(error), fn);
    }
  }
}

/** Built-ins a shipped function sees as local constants (see apply). */
const FAST_BUILT_INS = 'const { Math, JSON, Array, Object, Number, String, Map, Set, Date, Promise, Error } = globalThis;';

/** Errors made inside the context are not `instanceof Error` here: rebuild them so they are. */
function asMainRealmError(error: unknown): unknown {
  if (error instanceof Error || typeof error !== 'object' || error === null || !('message' in error)) return error;
  const { name, message, stack } = error as { name: string; message: string; stack?: string };
  const Kind = name === 'ReferenceError' ? ReferenceError : name === 'TypeError' ? TypeError : Error;
  const rebuilt = new Kind(message);
  if (Kind === Error) rebuilt.name = name;
  rebuilt.stack = stack;
  return rebuilt;
}
