/**
 * The code every pool worker runs, as a worker thread or as a child process
 * (`kind: 'threads'` or `'processes'`): only the channel differs.
 *
 * A worker runs ONE task at a time, like a Python pool worker: batches arrive
 * in order, and the worker runs their tasks one after another, awaiting a task
 * only when it returns a promise. When a batch is done it sends all its results
 * in one message. An exception thrown by a task is an ordinary result (it goes
 * back to the caller); anything that ends this worker (an uncaught error outside
 * a task, `process.exit`, running out of memory) is seen by the pool as a crash.
 */
import { parentPort } from 'node:worker_threads';
import { loadExport } from '../module-loader.js';
import { reviveFunction } from '../shipped-function.cjs';
import {
  serializeError,
  type DoneMessage,
  type FunctionDefinition,
  type FunctionSource,
  type PoolToWorker,
  type RunMessage,
  type WorkerToPool,
} from './protocol.js';

type Callable = (...args: unknown[]) => unknown;

interface Channel {
  send(message: WorkerToPool): void;
  onMessage(listener: (message: PoolToWorker) => void): void;
}

function threadChannel(port: NonNullable<typeof parentPort>): Channel {
  return {
    send: (message) => port.postMessage(message),
    onMessage: (listener) => port.on('message', listener),
  };
}

function processChannel(): Channel {
  const send = process.send?.bind(process);
  if (!send) throw new Error('worker-entry must be started by a Pool (as a worker thread or a forked child process)');
  // Report an uncaught error before dying, so the pool can say why (a thread's
  // 'error' event does this for free). Then exit as Node would have.
  const die = (error: unknown) => {
    send({ type: 'fatal', error: serializeError(error) } satisfies WorkerToPool, undefined, {}, () => process.exit(1));
    setTimeout(() => process.exit(1), 1000).unref();
  };
  process.on('uncaughtException', die);
  process.on('unhandledRejection', die);
  process.on('disconnect', () => process.exit(0));
  return {
    send: (message) => void send(message),
    onMessage: (listener) => process.on('message', listener as (message: unknown) => void),
  };
}

/** A function ready to call, or the reason it could not be loaded. */
type Loaded = { call: Callable } | { error: unknown };

const functions = new Map<number, Loaded>();

async function load(source: FunctionSource): Promise<Loaded> {
  try {
    return { call: source.kind === 'module' ? await loadExport(source) : reviveFunction(source) };
  } catch (error) {
    return { error };
  }
}

async function define(definitions: FunctionDefinition[] | undefined): Promise<void> {
  for (const { id, source } of definitions ?? []) functions.set(id, await load(source));
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

async function runOne(functionId: number, payload: unknown[], chunked: boolean): Promise<unknown> {
  const loaded = functions.get(functionId);
  if (!loaded) throw new Error(`internal error: function ${functionId} was never sent to this worker`);
  if ('error' in loaded) throw loaded.error;
  if (!chunked) {
    const result = loaded.call(...payload);
    return isThenable(result) ? await result : result;
  }
  const results: unknown[] = new Array(payload.length);
  for (let i = 0; i < payload.length; i++) {
    const result = loaded.call(payload[i]);
    results[i] = isThenable(result) ? await result : result;
  }
  return results;
}

async function runBatch(message: RunMessage): Promise<DoneMessage> {
  if (message.definitions) await define(message.definitions);
  const count = message.functionIds.length;
  const values: unknown[] = new Array(count);
  let failed: number[] | undefined;
  for (let i = 0; i < count; i++) {
    try {
      // The common case (a synchronous function) avoids an await per task.
      const loaded = functions.get(message.functionIds[i]);
      if (loaded && 'call' in loaded && !message.chunked[i]) {
        const result = loaded.call(...message.payloads[i]);
        values[i] = isThenable(result) ? await result : result;
      } else {
        values[i] = await runOne(message.functionIds[i], message.payloads[i], message.chunked[i]);
      }
    } catch (error) {
      values[i] = serializeError(error);
      (failed ??= []).push(i);
    }
  }
  return failed ? { type: 'done', values, failed } : { type: 'done', values };
}

/** Sends results; a result that cannot be copied back becomes that task's error. */
function reply(channel: Channel, done: DoneMessage): void {
  try {
    channel.send(done);
    return;
  } catch {
    // Find the culprits below.
  }
  const values = [...done.values];
  const failed = new Set(done.failed);
  for (let i = 0; i < values.length; i++) {
    if (failed.has(i)) continue;
    try {
      structuredClone(values[i]);
    } catch (error) {
      values[i] = serializeError(new TypeError(`the task's result cannot be sent back from the worker: ${(error as Error).message}`));
      failed.add(i);
    }
  }
  channel.send({ type: 'done', values, failed: [...failed].sort((a, b) => a - b) });
}

function main(): void {
  const channel = parentPort ? threadChannel(parentPort) : processChannel();
  const inbox: RunMessage[] = [];
  let busy = false;
  const drain = async () => {
    busy = true;
    while (inbox.length > 0) {
      const message = inbox.shift() as RunMessage;
      reply(channel, await runBatch(message));
    }
    busy = false;
  };
  channel.onMessage((message) => {
    if (message.type !== 'run') return;
    inbox.push(message);
    if (!busy) void drain();
  });
  channel.send({ type: 'ready' });
}

main();
