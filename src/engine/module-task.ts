/**
 * A task: what a Thread or a Process runs, described as plain data so it can be
 * copied to a worker thread or a child process, and the code that runs it there.
 *
 * A task's function is either shipped as source text (see shipped-function.ts)
 * or named as a module's export: `{ module: './jobs.ts', export: 'crawl' }`
 * (module-loader.ts loads it).
 *
 * This file is the worker/child side (the parent checks targets in
 * lifecycle.ts): `runTask` rebuilds the function, calls it and reports the
 * outcome (a result or an error), never throwing. It imports as little as it
 * can, since it is loaded on every Thread and Process start.
 */
import { loadExport, type ModuleSource } from './module-loader.js';
import { reviveHandles, type RevivalTable, type RevivedHandles } from './revivable.js';
import { reviveFunction, type ShippedFunction } from './shipped-function.cjs';

export type { ModuleSource, ModuleTarget } from './module-loader.js';

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
