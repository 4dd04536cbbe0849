/**
 * A task: what a Thread or a Process runs, described as plain data so it can be
 * copied to a worker thread or a child process, and the code that runs it there.
 *
 * A task's function is either shipped as source text (see shipped-function.ts)
 * or named as a module's export: `{ module: './jobs.ts', export: 'crawl' }`.
 * The worker imports such a module itself, so the function may use the
 * module's imports and top-level variables, which a shipped function cannot.
 * A `.ts` module is loaded through tsx, imported only when needed: a `.js`
 * task does not pay for a TypeScript compiler.
 *
 * This file is the worker/child side (the parent checks targets in
 * lifecycle.ts): `runTask` rebuilds the function, calls it and reports the
 * outcome (a result or an error), never throwing. It imports as little as it
 * can, since it is loaded on every Thread and Process start.
 */
import { reviveHandles, type RevivalTable, type RevivedHandles } from './revivable.js';
import { reviveFunction, type ShippedFunction } from './shipped-function.js';

/** A function given by where it lives: `{ module: './jobs.js', export: 'work' }`. */
export interface ModuleTarget {
  /** Path (relative to the current directory), absolute path or file: URL of a .js/.mjs/.cjs/.ts/.mts/.cts file. */
  readonly module: string;
  /** Name of the exported function (default: "default"). */
  readonly export?: string;
}

/** A module target after checking: an absolute file path and an export name. */
export interface ModuleSource {
  readonly kind: 'module';
  readonly file: string;
  readonly export: string;
}

/** A method shipped with a class-style task, so `this.helper()` works in the worker. */
export interface ShippedMethod {
  readonly key: string;
  readonly fn: ShippedFunction;
}

/** Everything a worker or child needs to run one task (structured-cloneable). */
export interface TaskDescription {
  readonly source: ShippedFunction | ModuleSource;
  readonly args: readonly unknown[];
  /** Class style: the copy of the instance's data that `this` is bound to, and its methods. */
  readonly self?: { readonly fields: Record<string, unknown>; readonly methods: readonly ShippedMethod[] };
  /** How to rebuild the locks, queues and pipe ends among args and fields (revivable.ts). */
  readonly revival?: RevivalTable;
}

/** How a task ended, as sent back to the parent. */
export type TaskOutcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

/** Runs a task inside a worker or child. Never throws: failures become `{ ok: false }`. */
export async function runTask(task: TaskDescription): Promise<TaskOutcome> {
  let handles: RevivedHandles | undefined;
  try {
    const fn = task.source.kind === 'module' ? await loadExport(task.source) : reviveFunction(task.source);
    const args = [...task.args];
    const fields = task.self ? { ...task.self.fields } : undefined;
    handles = await reviveHandles(task.revival, args, ...(fields ? [fields] : []));
    const self = task.self && fields ? rebuildSelf({ ...task.self, fields }) : undefined;
    return { ok: true, value: await fn.apply(self, args) };
  } catch (error) {
    return { ok: false, error };
  } finally {
    await handles?.release();
  }
}

function rebuildSelf(self: NonNullable<TaskDescription['self']>): object {
  const methods: Record<string, unknown> = {};
  for (const { key, fn } of self.methods) methods[key] = reviveFunction(fn);
  return Object.assign(Object.create(methods) as object, self.fields);
}

type Callable = (...args: unknown[]) => unknown;

async function loadExport(source: ModuleSource): Promise<Callable> {
  const namespace = (await importModule(source.file)) as Record<string, unknown>;
  const exported = namespace[source.export];
  if (typeof exported !== 'function') {
    const found = Object.keys(namespace).join(', ') || 'none';
    throw new TypeError(`${source.file} has no function export "${source.export}" (its exports: ${found})`);
  }
  return exported as Callable;
}

/**
 * Imports a .js module directly; a .ts module through tsx's API. (On Node 20,
 * `execArgv: ['--import', 'tsx']` does not make a Worker able to import .ts.)
 */
async function importModule(file: string): Promise<unknown> {
  const { pathToFileURL } = await import('node:url');
  const url = pathToFileURL(file).href;
  if (!/\.[mc]?ts$/.test(file)) return import(url);
  let tsx: { tsImport: (specifier: string, parentURL: string) => Promise<unknown> };
  try {
    tsx = (await import('tsx/esm/api')) as typeof tsx;
  } catch (error) {
    throw new Error(`${file} is TypeScript, and loading it needs the tsx package (${(error as Error).message})`, { cause: error });
  }
  return tsx.tsImport(url, url);
}
