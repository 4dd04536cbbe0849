/**
 * Dining philosophers, as async tasks with the kit's AsyncLock as forks.
 *
 * n philosophers sit at a round table with one fork between each two
 * neighbours; philosopher i needs fork i (left) and fork (i + 1) % n (right) to
 * eat. If every philosopher picks up the left fork and then reaches for the
 * right one, they can all end up holding one fork and waiting for the next:
 * a cycle of waits, a deadlock (unit 07). No thread is needed for that: each
 * `await` between the two forks lets the others pick theirs.
 *
 * The fix here breaks the cycle: forks are numbered, and everyone picks up the
 * LOWER-numbered of their two forks first. The last philosopher then reaches
 * for fork 0 first, like their neighbour, and a full circle of waits cannot form.
 * The kit's AsyncLock serves waiters in FIFO order, so nobody starves.
 */
import type { AsyncLock } from 'course-kit/05-races-and-locks/async-lock';

export interface DinnerOptions {
  /** Meals each philosopher eats (an integer >= 1). */
  meals: number;
  /** Eating: called while philosopher `philosopher` holds both forks; resolves when the meal is over. */
  eat: (philosopher: number, meal: number) => Promise<void>;
  /** Awaited between picking up the first fork and the second (default: nothing). */
  betweenForks?: (philosopher: number) => Promise<void>;
  /** Stops the dinner: dine() then rejects with `signal.reason`, once every fork is back on the table. */
  signal?: AbortSignal;
}

/**
 * Seats `forks.length` philosophers (at least 2) and runs the dinner until each
 * has eaten `meals` meals. Resolves with the meals each one ate.
 */
export async function dine(forks: readonly AsyncLock[], options: DinnerOptions): Promise<number[]> {
  const { meals, signal } = options;
  if (!Array.isArray(forks) || forks.length < 2) throw new RangeError('a dinner needs at least 2 forks (and philosophers)');
  if (!Number.isInteger(meals) || meals < 1) throw new RangeError(`meals must be an integer >= 1, got ${String(meals)}`);
  signal?.throwIfAborted();
  throw new Error('Not implemented yet: philosophers — see README.md and the hints (npm run learn)');
}
