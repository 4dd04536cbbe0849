/**
 * What a pool runs: a function (sent to the workers as source text) or a
 * module's export (each worker imports the module itself, so the function may
 * use the module's imports and top-level variables).
 *
 * Shipping a function means converting it to text and compiling it again in
 * every worker. That is done once: the registry gives each function a number,
 * a worker receives the source the first time it needs it, and afterwards a
 * task only carries the number.
 */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shipFunction } from '../engine/shipped-function.js';
import type { FunctionSource } from './protocol.js';
import { describeValue } from '../engine/validate.js';

/** A task given as a module's export: `{ module: './tasks.js', export: 'square' }`. */
export interface ModuleTask {
  /** Path (relative to the current directory) or file: URL of a .js/.mjs/.cjs or .ts module. */
  readonly module: string;
  /** Name of the exported function (default: "default"). */
  readonly export?: string;
}

/** A function to run in a worker, or where to find one. */
export type TaskFunction<A extends unknown[] = never[], R = unknown> = ((...args: A) => R) | ModuleTask;

/** A registered function: its number and how a worker builds it. */
export interface FunctionEntry {
  readonly id: number;
  readonly name: string;
  readonly source: FunctionSource;
  /** How long one task of this function takes, on average (measured by the scheduler; undefined until known). */
  meanTaskMs: number | undefined;
}

export class FunctionRegistry {
  private readonly byFunction = new WeakMap<object, FunctionEntry>();
  private readonly byModule = new Map<string, FunctionEntry>();
  private nextId = 1;

  /** The entry for `task`; throws a TypeError naming `parameterName` if it cannot be run in a worker. */
  lookup(task: unknown, parameterName: string): FunctionEntry {
    if (typeof task === 'function') {
      let entry = this.byFunction.get(task);
      if (!entry) {
        const shipped = shipFunction(task, parameterName);
        entry = { id: this.nextId++, name: shipped.name, source: shipped, meanTaskMs: undefined };
        this.byFunction.set(task, entry);
      }
      return entry;
    }
    if (typeof task === 'object' && task !== null && typeof (task as ModuleTask).module === 'string') {
      const { module, export: exportName = 'default' } = task as ModuleTask;
      if (typeof exportName !== 'string') {
        throw new TypeError(`${parameterName}.export must be a string, got ${describeValue(exportName)}`);
      }
      const file = module.startsWith('file:') ? fileURLToPath(module) : isAbsolute(module) ? module : resolve(module);
      if (!/\.([mc]?js|[mc]?ts)$/.test(file)) {
        throw new TypeError(`${parameterName}.module must be a .js, .mjs, .cjs or .ts file, got ${JSON.stringify(module)}`);
      }
      const key = `${file}#${exportName}`;
      let entry = this.byModule.get(key);
      if (!entry) {
        entry = {
          id: this.nextId++,
          name: exportName,
          source: { kind: 'module', module: file, export: exportName },
          meanTaskMs: undefined,
        };
        this.byModule.set(key, entry);
      }
      return entry;
    }
    throw new TypeError(`${parameterName} must be a function or { module, export }, got ${describeValue(task)}`);
  }
}
