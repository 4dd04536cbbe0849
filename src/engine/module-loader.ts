/**
 * Functions given by where they live: `{ module: './jobs.ts', export: 'crawl' }`.
 *
 * Threads, Processes and Pools all accept such a target, and this is the one
 * place that understands it: `describeModule` checks it in the parent and turns
 * it into data (an absolute file and an export name); `loadExport` imports the
 * module in the worker or child and finds the function. The worker imports the
 * module itself, so the function may use the module's imports and top-level
 * variables, which a function shipped as source text cannot.
 *
 * A `.ts` module goes through tsx's API, imported only when needed: a `.js`
 * target does not pay for a TypeScript compiler. (On Node 20, `execArgv:
 * ['--import', 'tsx']` does not make a Worker able to import .ts.)
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** A function given by where it lives: `{ module: './jobs.js', export: 'work' }`. */
export interface ModuleTarget {
  /** Path (relative to the current directory), absolute path or file: URL of a .js/.mjs/.cjs/.ts/.mts/.cts file. */
  readonly module: string;
  /** Name of the exported function (default: "default"). */
  readonly export?: string;
}

/** A module target after checking: an absolute file path and an export name (structured-cloneable). */
export interface ModuleSource {
  readonly kind: 'module';
  readonly file: string;
  readonly export: string;
}

/** Whether `value` looks like a module target (an object with a `module` field). */
export function isModuleTarget(value: unknown): value is ModuleTarget {
  return typeof value === 'object' && value !== null && 'module' in value;
}

/** Checks a module target in the parent; errors name `parameterName` (e.g. "fn", "target"). */
export function describeModule(target: ModuleTarget, parameterName: string): ModuleSource {
  const { module, export: exportName = 'default' } = target;
  if (typeof module !== 'string' || module === '') {
    throw new TypeError(`${parameterName}.module must be a file path, got ${JSON.stringify(module)}`);
  }
  if (typeof exportName !== 'string' || exportName === '') {
    throw new TypeError(`${parameterName}.export must be an export name, got ${JSON.stringify(exportName)}`);
  }
  const file = module.startsWith('file:') ? fileURLToPath(module) : isAbsolute(module) ? module : resolve(module);
  if (!/\.[mc]?[jt]s$/.test(file)) {
    throw new TypeError(`${parameterName}.module must be a .js, .mjs, .cjs or .ts file, got ${JSON.stringify(module)}`);
  }
  if (!existsSync(file)) {
    throw new TypeError(`${parameterName}.module: no such file ${file} (relative paths start at ${process.cwd()})`);
  }
  return { kind: 'module', file, export: exportName };
}

type Callable = (...args: unknown[]) => unknown;

/** In the worker or child: imports the module and returns its exported function. */
export async function loadExport(source: ModuleSource): Promise<Callable> {
  const namespace = (await importModule(source.file)) as Record<string, unknown>;
  const exported = namespace[source.export];
  if (typeof exported !== 'function') {
    const found = Object.keys(namespace).join(', ') || 'none';
    throw new TypeError(`${source.file} has no function export "${source.export}" (its exports: ${found})`);
  }
  return exported as Callable;
}

async function importModule(file: string): Promise<unknown> {
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
