/**
 * The ways a pooled task can fail besides throwing on its own. Each has its own
 * class so a caller can tell them apart (`error instanceof TaskTimeoutError`),
 * and each message says which task it was, since a pool runs thousands of them.
 *
 * An ordinary exception thrown by the task is not wrapped: the caller gets an
 * error with the worker's own name, message and stack.
 */

/** Thrown when the pool no longer accepts tasks (after `close()` or `terminate()`). */
export class PoolClosedError extends Error {
  override name = 'PoolClosedError';
}

/** A task that was queued or running when `terminate()` ended the pool. */
export class PoolTerminatedError extends Error {
  override name = 'PoolTerminatedError';
}

/** Like Python's `multiprocessing.TimeoutError`: something did not finish in time. */
export class PoolTimeoutError extends Error {
  override name = 'TimeoutError';
}

/** A task ran longer than the pool's `taskTimeout`; its worker was ended and replaced. */
export class TaskTimeoutError extends PoolTimeoutError {
  constructor(
    readonly task: string,
    readonly timeoutMs: number,
  ) {
    super(`${task} did not finish within taskTimeout (${timeoutMs} ms); its worker was ended and replaced`);
  }
}

/** A task whose worker crashed on every attempt (retries exhausted). */
export class WorkerCrashError extends Error {
  override name = 'WorkerCrashError';
  constructor(
    readonly task: string,
    readonly attempts: number,
    readonly reason: string,
  ) {
    super(
      `${task} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ` +
        `the worker running it crashed each time (last time: ${reason})`,
    );
  }
}

/** A call canceled with an AbortSignal (queued tasks dropped, running ones ended). */
export class PoolAbortError extends Error {
  override name = 'AbortError';
}
