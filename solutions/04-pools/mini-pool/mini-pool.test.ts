/**
 * Tests of the minimal worker pool. Parallelism is checked from the workers' own
 * clocks: each task reports when it started and ended, and two tasks ran in
 * parallel when those intervals overlap (not from wall-clock ratios, which a busy
 * machine distorts).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { TimeoutError, withTimeout } from 'course-kit/01-threads-vs-async/async-tools';
import { MiniPool } from './mini-pool.js';

interface Span {
  input: number;
  start: number;
  end: number;
  threadId: number;
}

/** A task that keeps its thread busy (no awaiting) for `ms` milliseconds and reports when. */
const BUSY_TASK = `(ms) => {
  const start = Date.now();
  while (Date.now() - start < ms) {}
  return { input: ms, start, end: Date.now(), threadId: require('node:worker_threads').threadId };
}`;

/** A task that waits `ms` then returns it, so later inputs can finish first. */
const SLEEPY_TASK = `async (ms) => {
  await require('node:timers/promises').setTimeout(ms);
  return ms;
}`;

const overlap = (a: Span, b: Span): boolean => a.start < b.end && b.start < a.end;

/** Threads of this process now (Linux). */
function threadCount(): number {
  return Number(/^Threads:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'latin1'))?.[1] ?? 0);
}

/** Waits (at most `ms`) until `condition()` holds; false if it never did. */
async function eventually(condition: () => boolean, ms = 2000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await sleep(10);
  }
  return true;
}

/** Closes the pool, waiting at most `ms` (a broken close() must not hang the tests). */
async function closeWithin(pool: { close(): Promise<void> }, ms = 3000): Promise<void> {
  await withTimeout(pool.close(), ms, { label: 'close()' }).catch((error: unknown) => {
    if (!(error instanceof TimeoutError)) throw error;
  });
}

/** Makes a pool, runs `body`, and always closes the pool (bounded) afterwards. */
async function withPool<I, O>(source: string, size: number, body: (pool: MiniPool<I, O>) => Promise<void>): Promise<void> {
  const pool = new MiniPool<I, O>(source, size);
  try {
    await body(pool);
  } finally {
    await closeWithin(pool);
  }
}

describe('mini-pool', function () {
  this.timeout(10_000); // workers start slowly on a busy machine

  before(async () => {
    // Start libuv's own threads now, so they are not counted as workers below.
    await Promise.all([1, 2, 3, 4].map(() => readFile('/proc/self/status')));
  });

  it('run resolves with the result; map gives results in input order, though they finish out of order [2 pts]', async () => {
    await withPool<number, number>(SLEEPY_TASK, 3, async (pool) => {
      assert.equal(await pool.run(5), 5);
      assert.deepEqual(await pool.map([60, 10, 40, 0, 20, 5]), [60, 10, 40, 0, 20, 5]);
    });
  });

  it('two blocking 300 ms tasks run in parallel on a pool of 2, one after the other on a pool of 1 [2 pts]', async () => {
    await withPool<number, Span>(BUSY_TASK, 2, async (pool) => {
      const [a, b] = await Promise.all([pool.run(300), pool.run(300)]);
      assert.notEqual(a.threadId, b.threadId, 'both tasks ran on the same worker');
      assert.ok(overlap(a, b), `the tasks did not overlap: [${a.start}, ${a.end}] and [${b.start}, ${b.end}]`);
    });
    await withPool<number, Span>(BUSY_TASK, 1, async (pool) => {
      const [a, b] = await Promise.all([pool.run(100), pool.run(100)]);
      assert.ok(!overlap(a, b), 'a pool of 1 ran two tasks at once');
    });
  });

  it('never runs more than `size` tasks at once, on at most `size` workers [1 pts]', async () => {
    await withPool<number, Span>(BUSY_TASK, 2, async (pool) => {
      const spans = await pool.map([60, 60, 60, 60, 60, 60]);
      for (const span of spans) {
        // Tasks running at the moment `span` started (itself included).
        const atOnce = spans.filter((other) => other.start <= span.start && span.start < other.end).length;
        assert.ok(atOnce <= 2, `${atOnce} tasks ran at once on a pool of 2`);
      }
      assert.ok(new Set(spans.map((span) => span.threadId)).size <= 2);
      assert.ok(pool.running === 0 && pool.queued === 0);
    });
  });

  it("a task that throws rejects run() with the task's message, and the pool goes on working [1 pts]", async () => {
    const source = `(n) => { if (n < 0) throw new Error('negative input: ' + n); return n * 2; }`;
    await withPool<number, number>(source, 2, async (pool) => {
      await assert.rejects(pool.run(-1), { message: 'negative input: -1' });
      const results = await Promise.allSettled([pool.run(1), pool.run(-2), pool.run(3)]);
      assert.deepEqual(
        results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message)),
        [2, 'negative input: -2', 6],
      );
    });
  });

  it('close() lets queued tasks finish, then ends every worker; run() after close() rejects [2 pts]', async () => {
    const before = threadCount();
    const pool = new MiniPool<number, number>(SLEEPY_TASK, 2);
    try {
      assert.ok(await eventually(() => threadCount() >= before + 2), 'the pool should have started 2 worker threads');
      const results = pool.map([30, 30, 30, 30, 30]);
      const closed = pool.close();
      assert.equal(pool.closed, true);
      assert.deepEqual(await results, [30, 30, 30, 30, 30], 'tasks queued before close() must still run');
      await closed;
      assert.ok(await eventually(() => threadCount() <= before), `worker threads still running after close(): ${threadCount() - before}`);
      await assert.rejects(pool.run(1));
    } finally {
      await closeWithin(pool);
    }
  });

  // BEGIN HIDDEN TESTS
  it('a worker that dies fails only its task; a new worker takes its place [1 pts]', async () => {
    const source = `(n) => { if (n === 0) process.exit(3); return n + 1; }`;
    await withPool<number, number>(source, 2, async (pool) => {
      const results = await Promise.allSettled([pool.run(1), pool.run(0), pool.run(2), pool.run(3), pool.run(4)]);
      assert.deepEqual(
        results.map((r) => r.status),
        ['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled'],
      );
      assert.deepEqual(await pool.map([10, 20, 30]), [11, 21, 31]);
    });
  });

  it('close() is idempotent and waits for running tasks; workers end even after a crash [1 pts]', async () => {
    const before = threadCount();
    const pool = new MiniPool<number, number>(
      `async (n) => { if (n === 0) process.exit(1); await require('node:timers/promises').setTimeout(50); return n; }`,
      2,
    );
    try {
      const outcomes = Promise.allSettled([pool.run(0), pool.run(7), pool.run(8)]);
      const first = pool.close();
      const second = pool.close();
      await Promise.all([first, second]);
      const settled = await outcomes;
      assert.deepEqual(
        settled.map((r) => r.status),
        ['rejected', 'fulfilled', 'fulfilled'],
      );
      assert.ok(await eventually(() => threadCount() <= before), 'worker threads still running after close()');
    } finally {
      await closeWithin(pool);
    }
  });
  // END HIDDEN TESTS
});
