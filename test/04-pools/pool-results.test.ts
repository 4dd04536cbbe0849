import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AsyncResult } from '../../src/04-pools/async-result.js';
import { PoolTimeoutError } from '../../src/04-pools/index.js';
import { collect, release, sharedFlag, withPool } from './pool-helpers.js';

const square = (x: number) => x * x;

describe('Pool results', () => {
  it('map returns results in input order, as the seed prints them (squares over the workers)', async () => {
    await withPool({ size: 2 }, async (pool) => {
      const inputs = Array.from({ length: pool.size * 10 }, (_, i) => i);
      assert.deepEqual(
        await pool.map(square, inputs),
        inputs.map((x) => x * x),
      );
      // Tasks of uneven length finish out of order; results still come back in order.
      const slowFirst = await pool.map(
        async (x: number) => {
          await new Promise((resolve) => setTimeout(resolve, (5 - x) * 10));
          return x;
        },
        [0, 1, 2, 3, 4],
      );
      assert.deepEqual(slowFirst, [0, 1, 2, 3, 4]);
    });
  });

  it('map with chunksize keeps the order, including a short last chunk, and accepts any iterable', async () => {
    await withPool({ size: 2 }, async (pool) => {
      const inputs = Array.from({ length: 103 }, (_, i) => i);
      assert.deepEqual(await pool.map(square, inputs, { chunksize: 10 }), inputs.map(square));
      assert.deepEqual(await pool.map(square, new Set([3, 4]), { chunksize: 7 }), [9, 16]);
      assert.deepEqual(await pool.map(square, []), []);
    });
  });

  it('map runs on several workers at once', async () => {
    await withPool({ size: 2 }, async (pool) => {
      // Each task waits until both have started: only possible if two workers run at the same time.
      const started = new Int32Array(new SharedArrayBuffer(4));
      const answers = await pool.map(
        (shared: Int32Array) => {
          Atomics.add(shared, 0, 1);
          const deadline = Date.now() + 5000;
          while (Atomics.load(shared, 0) < 2 && Date.now() < deadline);
          return Atomics.load(shared, 0);
        },
        [started, started],
      );
      assert.deepEqual(answers, [2, 2]);
    });
  });

  it('apply and applyAsync pass the arguments, like apply_async(f, args=(i,))', async () => {
    await withPool({ size: 2 }, async (pool) => {
      assert.equal(await pool.apply((a: number, b: string) => `${b}${a}`, [1, 'x']), 'x1');
      const handles = Array.from({ length: 10 }, (_, i) => pool.applyAsync(square, [i]));
      assert.ok(handles.every((handle) => handle instanceof AsyncResult));
      assert.deepEqual(await Promise.all(handles.map((handle) => handle.get())), [0, 1, 4, 9, 16, 25, 36, 49, 64, 81]);
    });
  });

  it('AsyncResult: ready, successful, wait and get with a timeout', async () => {
    await withPool({ size: 1 }, async (pool) => {
      const gate = sharedFlag();
      const result = pool.applyAsync(
        (flag: Int32Array) => {
          Atomics.wait(flag, 0, 0);
          return 'released';
        },
        [gate],
      );
      assert.equal(result.ready(), false);
      assert.throws(() => result.successful(), /not ready yet/);
      assert.equal(await result.wait(30), false);
      await assert.rejects(
        result.get(30),
        (error: Error) => error instanceof PoolTimeoutError && /not ready within 30 ms/.test(error.message),
      );
      release(gate);
      assert.equal(await result.get(), 'released');
      assert.equal(result.ready(), true);
      assert.equal(result.successful(), true);
      assert.equal(await result.wait(0), true);

      const failing = pool.mapAsync(
        (x: number) => {
          if (x === 2) throw new RangeError('two is not allowed');
          return x;
        },
        [1, 2, 3],
      );
      assert.equal(await failing.wait(), true);
      assert.equal(failing.successful(), false);
      await assert.rejects(failing.get(), { name: 'RangeError', message: 'two is not allowed' });
      assert.deepEqual(await pool.mapAsync(square, [5, 6]).get(), [25, 36]);
    });
  });

  it('imap yields in input order, imapUnordered as tasks finish, with or without chunks', async () => {
    await withPool({ size: 2 }, async (pool) => {
      const wait = async (ms: number) => {
        await new Promise((resolve) => setTimeout(resolve, ms));
        return ms;
      };
      const delays = [200, 10, 60, 30];
      assert.deepEqual(await collect(pool.imap(wait, delays)), delays);
      const unordered = await collect(pool.imapUnordered(wait, delays));
      assert.deepEqual(
        [...unordered].sort((a, b) => a - b),
        [10, 30, 60, 200],
      );
      assert.notDeepEqual(unordered, delays, 'the 200 ms task should not come first');
      assert.equal(unordered[unordered.length - 1], 200);

      const inputs = Array.from({ length: 25 }, (_, i) => i);
      assert.deepEqual(await collect(pool.imap(square, inputs, { chunksize: 4 })), inputs.map(square));
      const chunkedUnordered = await collect(pool.imapUnordered(square, inputs, { chunksize: 4 }));
      assert.deepEqual(
        [...chunkedUnordered].sort((a, b) => a - b),
        inputs.map(square),
      );
    });
  });

  it('imap takes an async iterable, and leaving the loop early drops the remaining tasks', async () => {
    await withPool({ size: 2 }, async (pool) => {
      async function* numbers() {
        for (let i = 0; i < 5; i++) yield i;
      }
      assert.deepEqual(await collect(pool.imap(square, numbers())), [0, 1, 4, 9, 16]);

      const ran = new Int32Array(new SharedArrayBuffer(4));
      const items = Array.from({ length: 200 }, () => ran);
      const slow = (counter: Int32Array) => {
        Atomics.add(counter, 0, 1);
        const end = Date.now() + 5;
        while (Date.now() < end);
        return 1;
      };
      let seen = 0;
      for await (const value of pool.imap(slow, items)) {
        seen += value;
        if (seen === 3) break;
      }
      assert.equal(seen, 3);
      await pool.map(square, [1]); // the pool goes on
      assert.ok(Atomics.load(ran, 0) < 200, `only some tasks should have run, ran ${Atomics.load(ran, 0)}`);
    });
  });

  it('a task that throws rejects with the worker’s error, message and stack, and is not retried', async () => {
    await withPool({ size: 2, retries: 3 }, async (pool) => {
      const runs = new Int32Array(new SharedArrayBuffer(4));
      const error = await pool
        .apply(
          function parseAge(counter: Int32Array, text: string) {
            Atomics.add(counter, 0, 1);
            throw new TypeError(`not an age: ${text}`);
          },
          [runs, 'abc'],
        )
        .catch((caught: unknown) => caught as Error);
      assert.ok(error instanceof TypeError);
      assert.equal(error.message, 'not an age: abc');
      assert.match(error.stack ?? '', /TypeError: not an age: abc\n\s+at (Object\.)?parseAge/);
      assert.equal(Atomics.load(runs, 0), 1, 'an ordinary exception must not be retried');
      await assert.rejects(
        pool.map(
          (x: number) => {
            if (x === 3) throw new Error(`bad item ${x}`);
            return x;
          },
          [1, 2, 3, 4],
        ),
        /bad item 3/,
      );
      await assert.rejects(
        pool.apply(() => Promise.reject(new Error('async failure')), []),
        /async failure/,
      );
      await assert.rejects(
        pool.apply(() => {
          throw 'a string';
        }, []),
        /a non-Error value was thrown: "a string"/,
      );
      await assert.rejects(
        pool.apply(() => () => 1, []),
        /result cannot be sent back/,
      );
      const factor = 3;
      await assert.rejects(
        pool.apply((x: number) => x * factor, [2]),
        /uses "factor", which is defined outside the function/,
      );
    });
  });

  describe('tasks from modules', () => {
    let folder = '';
    before(() => {
      folder = mkdtempSync(join(tmpdir(), 'pool-modules-'));
      writeFileSync(
        join(folder, 'tasks.mjs'),
        'const offset = 100;\nexport function shift(x) { return x + offset; }\nexport default (x) => -x;\n',
      );
      writeFileSync(join(folder, 'typed.ts'), 'export function cube(x: number): number { return x ** 3; }\n');
    });
    after(() => rmSync(folder, { recursive: true, force: true }));

    it('runs a named export or the default export of a .js module, with its top-level variables', async () => {
      await withPool({ size: 2 }, async (pool) => {
        const module = join(folder, 'tasks.mjs');
        assert.deepEqual(await pool.map({ module, export: 'shift' }, [1, 2]), [101, 102]);
        assert.equal(await pool.apply({ module }, [5]), -5);
        await assert.rejects(
          pool.apply({ module, export: 'missing' }, [1]),
          /has no function export "missing" \(its exports: default, shift\)/,
        );
      });
    });

    it('runs a .ts module through tsx', async () => {
      await withPool({ size: 1 }, async (pool) => {
        assert.deepEqual(await pool.map({ module: join(folder, 'typed.ts'), export: 'cube' }, [2, 3]), [8, 27]);
      });
    });
  });

  it('kind "processes": map, apply and errors work the same in child processes', async () => {
    await withPool({ size: 2, kind: 'processes' }, async (pool) => {
      const inputs = Array.from({ length: 20 }, (_, i) => i);
      assert.deepEqual(await pool.map(square, inputs), inputs.map(square));
      assert.deepEqual(await pool.map(square, inputs, { chunksize: 3 }), inputs.map(square));
      const pids = await pool.map(() => process.pid, [1, 2, 3, 4, 5, 6, 7, 8]);
      assert.ok(
        pids.every((pid) => pid !== process.pid),
        'tasks must run in other processes',
      );
      assert.equal(await pool.applyAsync((a: number, b: number) => a * b, [6, 7]).get(), 42);
      await assert.rejects(
        pool.apply(() => {
          throw new RangeError('from a child');
        }, []),
        { name: 'RangeError', message: 'from a child' },
      );
    });
  });
});
