/**
 * What every cluster call returns at once: unit 04's AsyncResult (`get(timeout)`,
 * `ready()`, `wait()`, `successful()`), plus what a cluster adds, as IPython's
 * AsyncResult does: the result of each engine, or its error, and how many
 * tasks were resubmitted because an engine died (or a task failed and was
 * retried).
 *
 * `get()` rejects with the engine's error (an EngineError naming the engine),
 * or, when several engines failed, a CompositeError listing them all.
 */
import { AsyncResult } from '../04-pools/async-result.js';
import type { RemoteErrorData } from './protocol.js';

/** An error thrown on an engine: `name` and `message` are the engine's, `engine` says which. */
export class EngineError extends Error {
  constructor(
    readonly engine: number,
    remote: RemoteErrorData,
  ) {
    super(remote.message.startsWith('engine ') ? remote.message : `engine ${engine}: ${remote.message}`);
    this.name = remote.name;
    this.stack = `${remote.name}: ${this.message}\n    (on engine ${engine}) ${(remote.stack ?? '').split('\n').slice(1).join('\n')}`;
  }
}

/** Several engines failed (IPython's CompositeError); `errors` holds each one. */
export class CompositeError extends Error {
  override name = 'CompositeError';
  constructor(readonly errors: readonly EngineError[]) {
    super(
      `${errors.length} engines failed:\n${errors.map((error) => `  [engine ${error.engine}] ${error.name}: ${error.message}`).join('\n')}`,
    );
  }
}

/** One engine's part of a call. */
export type EngineOutcome<T = unknown> =
  | { readonly engine: number; readonly ok: true; readonly value: T; readonly resubmitted: number }
  | { readonly engine: number; readonly ok: false; readonly error: EngineError; readonly resubmitted: number };

export class ClusterResult<T> extends AsyncResult<T> {
  /** Every part's outcome, in order (per engine for a direct view, per item for a map); never rejects. */
  readonly outcomes: Promise<EngineOutcome[]>;

  /** `combine` turns the values (all parts succeeded) into what get() returns. */
  constructor(parts: Array<Promise<EngineOutcome>>, combine: (values: unknown[]) => T, description: string) {
    const outcomes = Promise.all(parts);
    super(
      outcomes.then((all) => {
        const errors = all.flatMap((outcome) => (outcome.ok ? [] : [outcome.error]));
        if (errors.length === 1) throw errors[0];
        if (errors.length > 1) throw new CompositeError(errors);
        return combine(all.map((outcome) => (outcome as { value: unknown }).value));
      }),
      description,
    );
    this.outcomes = outcomes;
  }

  /** Tasks that had to run again (an engine died under them, or they failed with retries left). */
  async resubmitted(): Promise<number> {
    return (await this.outcomes).reduce((sum, outcome) => sum + outcome.resubmitted, 0);
  }

  /** Which engine produced each part, in order. */
  async engines(): Promise<number[]> {
    return (await this.outcomes).map((outcome) => outcome.engine);
  }
}
