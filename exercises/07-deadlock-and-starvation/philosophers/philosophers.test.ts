/**
 * Tests of the dining philosophers. The test's "betweenForks" pause makes every
 * philosopher hold one fork while reaching for the other: a naive left-then-right
 * dinner deadlocks every time, and a dinner that finishes within the time bound has none.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { withTimeout } from 'course-kit/01-threads-vs-async/async-tools';
import { AsyncLock } from 'course-kit/05-races-and-locks/async-lock';
import { dine } from './philosophers.js';

const makeForks = (n: number): AsyncLock[] => Array.from({ length: n }, () => new AsyncLock());

/** Watches who eats: fails on neighbours eating together, and counts the most eating at once. */
function table(n: number, eatMs: number) {
  const eating = new Set<number>();
  const state = { maxEating: 0, violations: [] as string[], calls: 0 };
  const eat = async (philosopher: number): Promise<void> => {
    state.calls++;
    for (const neighbour of [(philosopher + n - 1) % n, (philosopher + 1) % n]) {
      if (eating.has(neighbour)) state.violations.push(`${philosopher} ate while neighbour ${neighbour} was eating`);
    }
    eating.add(philosopher);
    state.maxEating = Math.max(state.maxEating, eating.size);
    try {
      await sleep(eatMs);
    } finally {
      eating.delete(philosopher);
    }
  };
  return { state, eat };
}

/** The pause that makes a naive dinner deadlock: everyone holds one fork before anyone takes a second. */
const reachSlowly = () => sleep(5);

describe('philosophers', () => {
  it('five philosophers who pause between forks all eat their meals: no deadlock [3 pts]', async () => {
    const forks = makeForks(5);
    const { eat } = table(5, 2);
    const meals = await withTimeout(dine(forks, { meals: 3, eat, betweenForks: reachSlowly }), 3000, { label: 'the dinner' });
    assert.deepEqual(meals, [3, 3, 3, 3, 3]);
  });

  it('neighbours never eat at the same time (they share a fork) [2 pts]', async () => {
    const forks = makeForks(5);
    const { state, eat } = table(5, 3);
    await withTimeout(dine(forks, { meals: 4, eat, betweenForks: reachSlowly }), 3000, { label: 'the dinner' });
    assert.deepEqual(state.violations, []);
    assert.equal(state.calls, 20);
  });

  it('philosophers who share no fork do eat at the same time (no single global lock) [1 pts]', async () => {
    const forks = makeForks(5);
    const { state, eat } = table(5, 15);
    await withTimeout(dine(forks, { meals: 3, eat }), 3000, { label: 'the dinner' });
    assert.ok(state.maxEating >= 2, `at most ${state.maxEating} philosopher ate at once; 2 of 5 can`);
  });

  it('everyone gets every meal, and every fork is back on the table at the end [1 pts]', async () => {
    const forks = makeForks(7);
    const counts = new Array<number>(7).fill(0);
    const eat = async (philosopher: number) => {
      counts[philosopher]++;
      await sleep(philosopher % 3); // some eat faster than others
    };
    const meals = await withTimeout(dine(forks, { meals: 5, eat, betweenForks: reachSlowly }), 3000, { label: 'the dinner' });
    assert.deepEqual(meals, new Array(7).fill(5));
    assert.deepEqual(counts, new Array(7).fill(5));
    assert.ok(
      forks.every((fork) => !fork.isLocked && fork.pendingCount === 0),
      'a fork is still held or awaited',
    );
  });

});
