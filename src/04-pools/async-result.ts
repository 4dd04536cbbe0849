/**
 * The handle `mapAsync` and `applyAsync` return at once, as Python's
 * `AsyncResult`: the work goes on in the background and the result is
 * collected later with `get()`.
 *
 * The difference from Python: JavaScript cannot block waiting, so `get` and
 * `wait` return promises (`await result.get()`), while `ready` and `successful`
 * answer immediately. A failure is kept inside the handle until `get()` is
 * called, so an AsyncResult nobody reads never causes an unhandled rejection.
 */
import { PoolTimeoutError } from '../engine/pool/errors.js';
import { checkWaitTimeout } from '../engine/validate.js';

type State<T> = { status: 'pending' } | { status: 'fulfilled'; value: T } | { status: 'rejected'; error: unknown };

export class AsyncResult<T> {
  #state: State<T> = { status: 'pending' };
  readonly #settled: Promise<void>;

  /** Wraps `work`; `description` names it in timeout messages (e.g. "map(square)"). */
  constructor(
    work: Promise<T>,
    private readonly description = 'the result',
  ) {
    this.#settled = work.then(
      (value) => void (this.#state = { status: 'fulfilled', value }),
      (error: unknown) => void (this.#state = { status: 'rejected', error }),
    );
  }

  /** Whether the work has finished (successfully or not). */
  ready(): boolean {
    return this.#state.status !== 'pending';
  }

  /** Whether the work finished without error. Like Python, throws if it is not ready yet. */
  successful(): boolean {
    if (this.#state.status === 'pending') {
      throw new Error(`${this.description} is not ready yet: check ready() or await wait() before successful()`);
    }
    return this.#state.status === 'fulfilled';
  }

  /**
   * The result, once ready; rejects with the work's error if it failed. With a
   * `timeout` (ms), rejects with a TimeoutError if it is not ready by then; the
   * work itself goes on, as in Python.
   */
  async get(timeout?: number): Promise<T> {
    checkWaitTimeout(timeout, 'timeout');
    const ready = await this.wait(timeout);
    if (!ready) throw new PoolTimeoutError(`${this.description} was not ready within ${timeout} ms`);
    const state = this.#state;
    if (state.status === 'rejected') throw state.error;
    return (state as { value: T }).value;
  }

  /** Waits until ready, or until `timeout` ms have passed. Resolves to `ready()`; never rejects. */
  async wait(timeout?: number): Promise<boolean> {
    checkWaitTimeout(timeout, 'timeout');
    if (this.ready()) return true;
    if (timeout === undefined) {
      await this.#settled;
      return true;
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([this.#settled, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeout)))]);
    } finally {
      clearTimeout(timer);
    }
    return this.ready();
  }
}
