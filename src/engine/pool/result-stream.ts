/**
 * The results of an `imap` / `imapUnordered` call, handed out as an async
 * iterator: in task order (imap) or in the order tasks finish (imapUnordered).
 *
 * Results that arrive before the consumer asks for them wait in a buffer; the
 * consumer that asks before they arrive sleeps on a promise until one does.
 */
import type { Call, CallHandlers } from './call.js';
import { PoolAbortError } from './errors.js';

export class ResultStream {
  private readonly arrived = new Map<number, unknown[]>(); // task index → its results (in order mode)
  private readonly completed: unknown[][] = []; // results in completion order (unordered mode)
  private failure: { error: unknown } | undefined;
  private total: number | undefined; // tasks in the call, known once all were submitted
  private wake: (() => void) | undefined;

  /**
   * @param ordered yield in task order (imap) or as tasks finish (imapUnordered)
   * @param chunked each task's result is an array of results (a chunk)
   */
  constructor(
    private readonly ordered: boolean,
    private readonly chunked: boolean,
  ) {}

  /** What the call reports to. */
  readonly handlers: CallHandlers = {
    onResult: (index, value) => {
      const values = this.chunked ? (value as unknown[]) : [value];
      if (this.ordered) this.arrived.set(index, values);
      else this.completed.push(values);
      this.wake?.();
    },
    onFailure: (error) => {
      this.failure = { error };
      this.wake?.();
    },
  };

  /** Every task has been submitted: `count` is how many. */
  submitted(count: number): void {
    this.total = count;
    this.wake?.();
  }

  /** The results, as they become available; throws the call's first failure. */
  async *read(): AsyncGenerator<unknown, void, undefined> {
    let next = 0; // tasks whose results were handed out
    for (;;) {
      if (this.failure) throw this.failure.error;
      const values = this.ordered ? this.arrived.get(next) : this.completed.shift();
      if (values) {
        this.arrived.delete(next);
        next++;
        yield* values;
        continue;
      }
      if (this.total !== undefined && next >= this.total) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }

  /** The results for a `for await` loop; leaving the loop early drops the call's remaining tasks. */
  async *readFor(call: Call): AsyncGenerator<unknown, void, undefined> {
    let finished = false;
    try {
      yield* this.read();
      finished = true;
    } finally {
      if (!finished) call.abandon(new PoolAbortError(`${call.name}: the iteration stopped before the end`), false);
      call.release();
    }
  }
}
