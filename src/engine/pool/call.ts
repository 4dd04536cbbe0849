/**
 * One public call (a `map`, an `apply`, an `imap`...) as the pool sees it: the
 * owner of its tasks. Results go to `onResult`; the first failure of any kind
 * (a task's error, the AbortSignal, the call's own timeout, the pool ending) goes
 * to `onFailure`, once, and cancels the rest of the call: its queued tasks are
 * dropped, and for an abort or a timeout its running tasks are ended too.
 */
import { PoolAbortError, PoolTimeoutError } from './errors.js';
import type { PendingTask, TaskOwner } from './task.js';

export interface CallHandlers {
  onResult(index: number, value: unknown): void;
  onFailure(error: unknown): void;
}

export interface CallLimits {
  signal?: AbortSignal;
  /** Whole-call deadline in ms. */
  timeout?: number;
}

/** How a call gives up its tasks: drop the queued ones; with `endRunning`, end the workers running one. */
export type CancelTasks = (owner: TaskOwner, error: unknown, endRunning: boolean) => void;

export class Call implements TaskOwner {
  canceled = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly signal: AbortSignal | undefined;

  /**
   * @param name the call as students wrote it, e.g. "map(square)"
   * @param describeTask names task `index` of this call, e.g. "item 3 of map(square)"
   */
  constructor(
    private readonly cancelTasks: CancelTasks,
    readonly name: string,
    private readonly describeTask: (index: number) => string,
    private readonly handlers: CallHandlers,
    limits: CallLimits = {},
  ) {
    this.signal = limits.signal;
    if (this.signal?.aborted) {
      this.abandon(this.abortError(), true);
      return;
    }
    this.signal?.addEventListener('abort', this.onAbort);
    if (limits.timeout !== undefined) {
      const timeout = limits.timeout;
      this.timer = setTimeout(
        () => this.abandon(new PoolTimeoutError(`${name} did not finish within timeout (${timeout} ms)`), true),
        timeout,
      );
    }
  }

  describe(index: number): string {
    return this.describeTask(index);
  }

  succeeded(task: PendingTask, value: unknown): void {
    if (!this.canceled) this.handlers.onResult(task.index, value);
  }

  failed(_task: PendingTask, error: unknown): void {
    this.abandon(error, false);
  }

  /** Gives up on the call: reports `error` (once) and drops its remaining tasks. */
  abandon(error: unknown, endRunning: boolean): void {
    if (this.canceled) return;
    this.canceled = true;
    this.release();
    this.cancelTasks(this, error, endRunning);
    this.handlers.onFailure(error);
  }

  /** Stops watching the signal and the clock (call it when the call is complete). */
  release(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.signal?.removeEventListener('abort', this.onAbort);
  }

  private readonly onAbort = (): void => this.abandon(this.abortError(), true);

  private abortError(): PoolAbortError {
    return new PoolAbortError(`${this.name} was aborted`, { cause: this.signal?.reason });
  }
}
