/**
 * Periodic daemon: work run every `intervalMs` (the seed's "save the data every
 * N minutes"). Ticks keep to a fixed schedule (start + k·interval), so time
 * spent in the work does not make the daemon drift; a run never overlaps the
 * previous one, and ticks missed while the work was slow are skipped, not
 * fired in a burst (counted in `skipped`).
 *
 *   const saver = periodic(() => save(buffer), { intervalMs: 60_000, signal });
 *   ...
 *   await saver.stop(); // waits for a save in progress
 */
import { checkFunction, checkTimeout } from '../engine/validate.js';
import { DaemonState, isStop, type Daemon, type DaemonOptions } from './daemon.js';

export interface PeriodicOptions extends DaemonOptions {
  /** Time between the starts of two runs, in ms (> 0). */
  intervalMs: number;
  /** Run once at once, then every interval (default false: first run after one interval). */
  immediate?: boolean;
}

export interface PeriodicDaemon extends Daemon {
  /** Ticks skipped because the work was still running. */
  readonly skipped: number;
}

export function periodic(work: (signal: AbortSignal) => unknown, options: PeriodicOptions): PeriodicDaemon {
  checkFunction(work, 'work');
  const intervalMs = checkTimeout(options?.intervalMs, 'intervalMs');
  if (intervalMs === undefined) throw new RangeError('intervalMs must be a number of milliseconds > 0, got undefined');
  const state = new DaemonState('periodic', options);
  let skipped = 0;
  const daemon = Object.defineProperty(state, 'skipped', { get: () => skipped }) as DaemonState & PeriodicDaemon;

  void (async () => {
    const { signal, clock } = state;
    const startedAt = clock.now();
    let tick = options.immediate ? 0 : 1;
    try {
      while (!signal.aborted) {
        // A timer may fire a fraction of a ms early by this clock: wait until the tick is really due.
        const due = startedAt + tick * intervalMs;
        for (let wait = due - clock.now(); wait > 0; wait = due - clock.now()) await state.sleep(wait);
        try {
          await work(signal);
          state.runs += 1;
        } catch (error) {
          if (isStop(error, signal) || !state.failed(error)) break;
        }
        // The next tick not yet begun (at least tick + 1: this one was due before the work ran).
        const next = Math.floor((clock.now() - startedAt) / intervalMs) + 1;
        skipped += Math.max(0, next - tick - 1);
        tick = next;
      }
    } catch (error) {
      if (!isStop(error, signal)) state.error = error;
    } finally {
      state.finished();
    }
  })();
  return daemon;
}
