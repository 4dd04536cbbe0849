/**
 * The messages between the pool (main thread) and its workers. The same
 * messages travel over a worker thread's port and over a child process's IPC
 * channel (opened with `serialization: 'advanced'`, the structured clone
 * algorithm), so both kinds of worker run the same entry file.
 *
 * Two ideas make the pool fast:
 * - a function is sent once per worker (its source, as a `definition`) and
 *   named by a small number afterwards;
 * - tasks travel in batches: one message carries many tasks, and one reply
 *   carries all their results, in the order they were sent.
 */
import type { ModuleSource } from '../module-loader.js';
import type { ShippedFunction } from '../shipped-function.cjs';

/** Where a worker finds the code of a task: shipped source, or a module's export. */
export type FunctionSource = ShippedFunction | ModuleSource;

/** Tells a worker how to build function number `id` (sent the first time it needs it). */
export interface FunctionDefinition {
  readonly id: number;
  readonly source: FunctionSource;
}

/** Main → worker: run these tasks one after another, in order. */
export interface RunMessage {
  readonly type: 'run';
  /** Functions this worker has not seen yet. */
  readonly definitions?: FunctionDefinition[];
  /** For task i: the id of its function. */
  readonly functionIds: number[];
  /** For task i: the arguments (a call) or the items (a chunk, see `chunked`). */
  readonly payloads: unknown[][];
  /** For task i: true when it is a chunk, i.e. call the function once per item and return the array. */
  readonly chunked: boolean[];
}

export type PoolToWorker = RunMessage;

/** Worker → main: ready for work (its code is loaded). */
export interface ReadyMessage {
  readonly type: 'ready';
}

/** Worker → main: the results of the oldest unanswered `run` message. */
export interface DoneMessage {
  readonly type: 'done';
  /** Result i belongs to task i of the batch; for a failed task it is a SerializedError. */
  readonly values: unknown[];
  /** Indexes of the tasks that threw (absent when none did). */
  readonly failed?: number[];
}

/** Worker (child process only) → main: an uncaught error is about to end this process. */
export interface FatalMessage {
  readonly type: 'fatal';
  readonly error: SerializedError;
}

export type WorkerToPool = ReadyMessage | DoneMessage | FatalMessage;

/** An error as data: survives JSON, structured clone and IPC alike. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly code?: string;
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      name: error.name,
      message: error.message,
      stack: error.stack,
      ...(typeof code === 'string' ? { code } : {}),
    };
  }
  return { name: 'Error', message: `a non-Error value was thrown: ${describeThrown(error)}` };
}

const standardErrors: Record<string, ErrorConstructor> = {
  Error,
  TypeError,
  RangeError,
  ReferenceError,
  SyntaxError,
  EvalError,
  URIError,
};

/** Rebuilds an error on the main side, keeping the worker's name, message and stack. */
export function deserializeError(data: SerializedError): Error {
  const Constructor = standardErrors[data.name] ?? Error;
  const error = new Constructor(data.message);
  if (error.name !== data.name) {
    Object.defineProperty(error, 'name', { value: data.name, configurable: true, writable: true });
  }
  error.stack = data.stack ?? `${data.name}: ${data.message}`;
  if (data.code !== undefined) (error as { code?: string }).code = data.code;
  return error;
}

function describeThrown(value: unknown): string {
  try {
    return typeof value === 'string' ? JSON.stringify(value) : String(value);
  } catch {
    return typeof value;
  }
}
