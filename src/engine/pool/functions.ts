/**
 * What a pool runs: a function (sent to the workers as source text) or a
 * module's export (module-loader.ts: each worker imports the module itself).
 *
 * Shipping a function means converting it to text and compiling it again in
 * every worker. That is done once: the registry gives each function a number,
 * a worker receives the source the first time it needs it (pool-worker.ts), and
 * afterwards a task only carries the number.
 */
import { describeModule, isModuleTarget } from '../module-loader.js';
import { shipFunction } from '../shipped-function.cjs';
import { describeValue } from '../validate.js';
import type { FunctionSource } from './protocol.js';

/** A registered function: its number and how a worker builds it. */
export interface FunctionEntry {
  readonly id: number;
  readonly name: string;
  readonly source: FunctionSource;
  /** How long one task of this function takes, on average (learnt by the batched dispatch; undefined until known). */
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
    if (isModuleTarget(task)) {
      const source = describeModule(task, parameterName);
      const key = `${source.file}#${source.export}`;
      let entry = this.byModule.get(key);
      if (!entry) {
        entry = { id: this.nextId++, name: source.export, source, meanTaskMs: undefined };
        this.byModule.set(key, entry);
      }
      return entry;
    }
    throw new TypeError(`${parameterName} must be a function or { module, export }, got ${describeValue(task)}`);
  }
}
