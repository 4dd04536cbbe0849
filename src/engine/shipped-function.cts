/**
 * Sending a function to a worker thread or a child process.
 *
 * Functions cannot be structured-cloned, so the kit sends a function's *source
 * text* and rebuilds it on the other side. That has one consequence students meet
 * at once: the rebuilt function no longer sees the variables around the place it
 * was written (a closure). Python's multiprocessing has the same rule (it pickles
 * functions by name); here it shows up as a ReferenceError, which `reviveFunction`
 * turns into an explanation of what to do instead.
 */

/** A function in a form that can cross to a worker or a child process. */
export interface ShippedFunction {
  readonly kind: 'shipped-function';
  /** Source text that evaluates to the function, e.g. `(x) => x * x`. */
  readonly source: string;
  /** The function's name, for error messages ("anonymous" when it has none). */
  readonly name: string;
}

export function isShippedFunction(value: unknown): value is ShippedFunction {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { kind?: unknown }).kind === 'shipped-function' &&
    typeof (value as { source?: unknown }).source === 'string'
  );
}

/**
 * Prepares `fn` to be sent to a worker. `parameterName` names the argument in
 * error messages (e.g. "task" for `pool.map(task, items)`).
 */
export function shipFunction(fn: unknown, parameterName: string): ShippedFunction {
  if (typeof fn !== 'function') {
    throw new TypeError(`${parameterName} must be a function, got ${describe(fn)}`);
  }
  const name = fn.name || 'anonymous';
  const text = Function.prototype.toString.call(fn);
  if (/\{\s*\[native code\]\s*\}\s*$/.test(text)) {
    throw new TypeError(
      `${parameterName} (${name}) is a built-in or bound function, whose source cannot be sent to a worker. ` +
        `Wrap it in a function of your own, e.g. (x) => ${name}(x).`,
    );
  }
  if (/^class\b/.test(text)) {
    throw new TypeError(`${parameterName} (${name}) is a class; pass a function instead.`);
  }
  const source = asExpression(text);
  try {
    // Compile only (never call) to catch source that is not a standalone function.
    new Function(`return (${source});`);
  } catch (error) {
    throw new TypeError(
      `${parameterName} (${name}) cannot be sent to a worker: its source does not compile on its own ` +
        `(${(error as Error).message}). Use a plain function or an arrow function.`,
      { cause: error },
    );
  }
  return { kind: 'shipped-function', source, name };
}

/**
 * Rebuilds a shipped function inside a worker or child. Calls that fail because
 * the function used a variable from outside its body get an error that says so.
 */
export function reviveFunction(shipped: ShippedFunction): (...args: unknown[]) => unknown {
  installCompilerHelpers();
  const fn = new Function(`return (${shipped.source});`)() as (...args: unknown[]) => unknown;
  return function revived(this: unknown, ...args: unknown[]): unknown {
    try {
      const result = fn.apply(this, args);
      if (result instanceof Promise) {
        return result.catch((error: unknown) => {
          throw explainMissingVariable(error, shipped);
        });
      }
      return result;
    } catch (error) {
      throw explainMissingVariable(error, shipped);
    }
  };
}

/** Turns "x is not defined" into an explanation of closures across workers. */
export function explainMissingVariable(error: unknown, shipped: Pick<ShippedFunction, 'name' | 'source'>): unknown {
  if (!(error instanceof ReferenceError)) return error;
  const match = /^(\S+) is not defined$/.exec(error.message);
  if (!match) return error;
  let variable = match[1];
  if (variable === 'exports') {
    // A notebook (tslab) compiles top-level variables to `exports.name`: name the variable the student wrote.
    const used = [...new Set([...shipped.source.matchAll(/\bexports\.([\w$]+)/g)].map((found) => found[1]))];
    if (used.length > 0) variable = used.join('", "');
  }
  const explained = new ReferenceError(
    `The function "${shipped.name}" uses "${variable}", which is defined outside the function. ` +
      'A function sent to a worker is copied as source code and runs in another thread or process, ' +
      `so it cannot see the variables around it. Pass ${variable.replaceAll('"', '')} in as an argument, ` +
      'or create or import it inside the function.',
  );
  explained.stack = `${explained.name}: ${explained.message}\n${(error.stack ?? '').split('\n').slice(1).join('\n')}`;
  return explained;
}

/** Method shorthand (`square(x) { … }`) is not an expression; make it one. */
function asExpression(text: string): string {
  const trimmed = text.trim();
  if (/^(async\s+)?function\b/.test(trimmed)) return trimmed;
  if (/^(async\s*)?(\([^)]*\)|[\w$]+)\s*=>/.test(trimmed)) return trimmed;
  const asyncMethod = /^async\s+(?!function\b)/.test(trimmed);
  const body = asyncMethod ? trimmed.replace(/^async\s+/, '') : trimmed;
  if (body.startsWith('*')) return `${asyncMethod ? 'async ' : ''}function${body}`;
  return `${asyncMethod ? 'async ' : ''}function ${body}`;
}

/**
 * Compilers add small helpers to function bodies: esbuild (used by tsx) wraps
 * nested named functions in `__name(fn, "name")`. A revived function runs
 * without the module that defined the helper, so provide harmless versions.
 */
function installCompilerHelpers(): void {
  const scope = globalThis as Record<string, unknown>;
  if (typeof scope.__name !== 'function') {
    scope.__name = (target: unknown) => target;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
