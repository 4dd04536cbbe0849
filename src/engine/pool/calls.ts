/**
 * From a public call (map, apply, imap...) to tasks in a pool's queue, and from
 * their results back to what the caller awaits:
 * - `startMap` cuts the items into tasks and resolves to the results in input order;
 * - `startApply` is one task;
 * - `startIterate` reads the items lazily (they may come from an async iterable)
 *   and hands the results out as an async iterator, in order or as they finish.
 * Each call is a `Call` (call.ts): the first failure, abort or deadline ends it.
 * Tasks enter the queue in order, waiting whenever it is full (back-pressure).
 */
import * as check from './arguments.js';
import { Call, type CancelTasks } from './call.js';
import type { FunctionEntry } from './functions.js';
import { ResultStream } from './result-stream.js';
import { createTask, type PendingTask } from './task.js';

/** What a call needs from the pool. */
export interface CallSite {
  /** Checks that the pool is open and that `fn` can run in a worker. */
  accept(method: string, fn: unknown): FunctionEntry;
  /** Queues a task; when the queue is full, returns a promise that resolves once the task is in. */
  enqueue(task: PendingTask): Promise<void> | undefined;
  cancel: CancelTasks;
  /** A call starts (+1) or stops (-1) putting tasks in the queue; close() waits for those that are. */
  submitting(change: 1 | -1): void;
}

export function startMap(site: CallSite, method: string, fn: unknown, items: unknown, options: unknown): Promise<unknown[]> {
  const entry = site.accept(method, fn);
  const list = check.checkItems(items);
  const { chunksize, signal, timeout } = check.checkMapOptions(options as check.MapOptions | undefined);
  const name = `${method}(${entry.name})`;
  const payloads = check.chunkTasks(list, chunksize);
  return new Promise((resolve, reject) => {
    const results: unknown[] = new Array(list.length);
    let missing = payloads.length;
    const onResult = (index: number, value: unknown) => {
      if (chunksize === 1) results[index] = value;
      else (value as unknown[]).forEach((result, offset) => (results[index * chunksize + offset] = result));
      if (--missing === 0) finish();
    };
    const finish = () => {
      call.release();
      resolve(results);
    };
    const describe = (index: number) => check.describeChunk(name, index, chunksize, list.length);
    const call = new Call(site.cancel, name, describe, { onResult, onFailure: reject }, { signal, timeout });
    if (payloads.length === 0) finish();
    else void submitAll(site, call, entry, payloads, chunksize > 1);
  });
}

export function startApply(site: CallSite, method: string, fn: unknown, args: unknown, options: unknown): Promise<unknown> {
  const entry = site.accept(method, fn);
  const argumentList = check.checkArguments(args);
  const { signal, timeout } = check.checkCallOptions(options as check.CallOptions | undefined);
  const name = `${method}(${entry.name})`;
  return new Promise((resolve, reject) => {
    const onResult = (_: number, value: unknown) => {
      call.release();
      resolve(value);
    };
    const call: Call = new Call(site.cancel, name, () => name, { onResult, onFailure: reject }, { signal, timeout });
    if (call.canceled) return;
    try {
      site.enqueue(createTask(call, entry, 0, argumentList, false))?.catch((error: unknown) => call.abandon(error, false));
    } catch (error) {
      call.abandon(error, false);
    }
  });
}

export function startIterate(site: CallSite, method: string, fn: unknown, items: unknown, options: unknown): AsyncGenerator<unknown> {
  const entry = site.accept(method, fn);
  const source = check.checkItemSource(items);
  const { chunksize, signal } = check.checkIterateOptions(options as check.IterateOptions | undefined);
  const name = `${method}(${entry.name})`;
  const stream = new ResultStream(method === 'imap', chunksize > 1);
  const call = new Call(site.cancel, name, (index) => check.describeChunk(name, index, chunksize), stream.handlers, { signal });
  const payloads = check.checkedChunks(source, chunksize);
  void submitAll(site, call, entry, payloads, chunksize > 1).then((count) => stream.submitted(count));
  return stream.readFor(call);
}

/** Queues a call's tasks in order, waiting whenever the queue is full. Resolves to the number queued. */
async function submitAll(
  site: CallSite,
  call: Call,
  entry: FunctionEntry,
  payloads: Iterable<unknown[]> | AsyncIterable<unknown[]>,
  chunked: boolean,
): Promise<number> {
  let index = 0;
  site.submitting(1);
  try {
    if (Symbol.iterator in payloads) {
      // A plain loop for arrays: no await per item unless the queue is full.
      for (const payload of payloads) {
        if (call.canceled) break;
        const waiting = site.enqueue(createTask(call, entry, index++, payload, chunked));
        if (waiting) await waiting;
      }
    } else {
      for await (const payload of payloads) {
        if (call.canceled) break;
        const waiting = site.enqueue(createTask(call, entry, index++, payload, chunked));
        if (waiting) await waiting;
      }
    }
  } catch (error) {
    call.abandon(error, false);
  } finally {
    site.submitting(-1);
  }
  return index;
}
