/**
 * Sporadic daemon: work run when something happens (the seed's "write to a log
 * when a condition holds"). The trigger is an event (an EventEmitter's or an
 * EventTarget's) or a condition checked every `pollMs` that fires when it
 * *becomes* true. Runs are handled one at a time, in order, and none is lost:
 * events that arrive while the work runs wait in a queue (bounded by
 * `maxPending`; beyond it the oldest are dropped and counted in `dropped`).
 *
 *   const logger = sporadic((line) => appendFile(log, line + '\n'), { on: [bus, 'warning'] });
 */
import type { EventEmitter } from 'node:events';
import { checkFunction, checkPositiveInteger, checkTimeout, describeValue } from '../engine/validate.js';
import { DaemonState, isStop, type Daemon, type DaemonOptions } from './daemon.js';

export type Trigger = { on: [EventEmitter | EventTarget, string]; when?: never } | { when: () => boolean; pollMs?: number; on?: never };

export type SporadicOptions = DaemonOptions & Trigger & { maxPending?: number };

export interface SporadicDaemon extends Daemon {
  /** Events waiting for the work. */
  readonly pending: number;
  /** Events dropped because more than maxPending were waiting. */
  readonly dropped: number;
}

export function sporadic<A = unknown>(work: (payload: A, signal: AbortSignal) => unknown, options: SporadicOptions): SporadicDaemon {
  checkFunction(work, 'work');
  const maxPending = checkPositiveInteger(options?.maxPending ?? 1000, 'maxPending', true);
  const hasEvent = Array.isArray(options?.on);
  const hasCondition = typeof options?.when === 'function';
  if (hasEvent === hasCondition) {
    throw new TypeError('sporadic() needs exactly one trigger: on: [emitter, eventName] or when: () => boolean');
  }
  const pollMs = hasCondition ? checkTimeout(options.pollMs ?? 50, 'pollMs')! : 0;
  const [source, eventName] = options.on ?? [];
  const isEmitter = typeof (source as EventEmitter | undefined)?.on === 'function';
  if (hasEvent && typeof eventName !== 'string') throw new TypeError(`on[1] must be an event name, got ${describeValue(eventName)}`);
  if (hasEvent && !isEmitter && typeof (source as EventTarget | undefined)?.addEventListener !== 'function') {
    throw new TypeError(`on[0] must be an EventEmitter or an EventTarget, got ${describeValue(source)}`);
  }
  const state = new DaemonState('sporadic', options);
  const queue: A[] = [];
  let dropped = 0;
  let wake: (() => void) | undefined;
  const daemon = Object.defineProperties(state, {
    pending: { get: () => queue.length },
    dropped: { get: () => dropped },
  }) as DaemonState & SporadicDaemon;

  const enqueue = (payload: A) => {
    if (!state.running || state.signal.aborted) return;
    queue.push(payload);
    if (queue.length > maxPending) {
      queue.shift();
      dropped += 1;
    }
    wake?.();
  };

  let detach = () => {};
  if (isEmitter) {
    const emitter = source as EventEmitter;
    const listener = (payload: A) => enqueue(payload);
    emitter.on(eventName!, listener);
    detach = () => emitter.off(eventName!, listener);
  } else if (hasEvent) {
    const target = source as EventTarget;
    const listener = (event: Event) => enqueue(event as A);
    target.addEventListener(eventName!, listener);
    detach = () => target.removeEventListener(eventName!, listener);
  } else {
    // Edge-triggered: fire when the condition goes from false to true.
    let was = false;
    void (async () => {
      try {
        while (!state.signal.aborted) {
          const now = Boolean(options.when!());
          if (now && !was) enqueue(undefined as A);
          was = now;
          await state.sleep(pollMs);
        }
      } catch (error) {
        if (!isStop(error, state.signal) && state.running) {
          state.error = error;
          void state.stop();
        }
      }
    })();
  }

  void (async () => {
    const { signal } = state;
    try {
      while (true) {
        while (queue.length > 0 && !signal.aborted) {
          const payload = queue.shift() as A;
          try {
            await work(payload, signal);
            state.runs += 1;
          } catch (error) {
            if (isStop(error, signal)) break;
            if (!state.failed(error)) {
              void state.stop();
              break;
            }
          }
        }
        if (signal.aborted) break;
        await new Promise<void>((resolve) => {
          wake = resolve;
          signal.addEventListener('abort', () => resolve(), { once: true });
        });
        wake = undefined;
      }
    } finally {
      detach();
      state.finished();
    }
  })();
  return daemon;
}
