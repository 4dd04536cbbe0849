import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Pool } from '../../src/04-pools/pool.js';
import { PoolClosedError } from '../../src/04-pools/index.js';
import { FunctionRegistry } from '../../src/engine/pool/functions.js';
import { withPool } from './pool-helpers.js';

const double = (x: number) => x * 2;

describe('Pool input checks', () => {
  it('size must be a positive integer; it defaults to availableParallelism()', async () => {
    for (const size of [0, -1, 1.5, Number.NaN, '2']) {
      assert.throws(
        () => new Pool({ size: size as number }),
        (error: Error) => error instanceof RangeError && /^size must be a positive integer, got /.test(error.message),
      );
    }
    assert.throws(() => new Pool({ size: 0 }), { message: 'size must be a positive integer, got 0' });
    const { availableParallelism } = await import('node:os');
    await withPool({}, async (pool) => assert.equal(pool.size, availableParallelism()));
  });

  it('other options are checked and named', () => {
    assert.throws(() => new Pool({ taskTimeout: -5 }), /^RangeError: taskTimeout must be a number of milliseconds > 0/);
    assert.throws(() => new Pool({ retries: -1 }), /retries must be an integer >= 0, got -1/);
    assert.throws(() => new Pool({ maxTasksQueued: 0 }), /maxTasksQueued must be a positive integer or Infinity, got 0/);
    assert.throws(() => new Pool({ kind: 'fibers' as 'threads' }), /kind must be one of 'threads', 'processes', got "fibers"/);
    assert.throws(
      () => new Pool({ processes: 4 } as object),
      /unknown Pool option "processes" \(the number of workers is called size here\)/,
    );
    assert.throws(
      () => new Pool({ kind: 'processes', resourceLimits: { maxOldGenerationSizeMb: 32 } }),
      /resourceLimits applies to kind 'threads' only/,
    );
  });

  it('timeouts must not be negative, and the error names the parameter', async () => {
    await withPool({ size: 1 }, async (pool) => {
      await assert.rejects(
        pool.map(double, [1], { timeout: -1 }),
        (error: Error) => error instanceof RangeError && /^timeout must be a number of milliseconds > 0.*got -1/.test(error.message),
      );
      await assert.rejects(pool.apply(double, [1], { timeout: -10 }), /^RangeError: timeout must be/);
      const result = pool.applyAsync(double, [1]);
      await assert.rejects(result.get(-1), /^RangeError: timeout must be a number of milliseconds >= 0.*got -1/);
      await assert.rejects(result.wait(-1), /timeout must be/);
      assert.equal(await result.get(), 2, 'nothing already accepted is lost');
    });
  });

  it('fn must be a function or { module, export }', async () => {
    await withPool({ size: 1 }, async (pool) => {
      await assert.rejects(
        pool.map(42 as unknown as typeof double, [1]),
        /^TypeError: fn must be a function or \{ module, export \}, got 42/,
      );
      await assert.rejects(
        pool.apply('double' as unknown as typeof double, [1]),
        /fn must be a function or \{ module, export \}, got "double"/,
      );
      assert.throws(() => pool.applyAsync(null as unknown as typeof double, [1]), /fn must be a function .*got null/);
      assert.throws(() => pool.imap(undefined as unknown as typeof double, [1]), /fn must be a function .*got undefined/);
      await assert.rejects(pool.apply(Math.sqrt, [4]), /fn \(sqrt\) is a built-in or bound function/);
      await assert.rejects(pool.apply({ module: 'tasks.txt' }, []), /fn.module must be a .js, .mjs, .cjs or .ts file/);
      assert.deepEqual(await pool.map(double, [1, 2]), [2, 4], 'the pool still works');
    });
  });

  it('arguments that cannot be copied to a worker are named', async () => {
    await withPool({ size: 1 }, async (pool) => {
      await assert.rejects(
        pool.apply((a: unknown, b: unknown) => [a, b], [1, () => 2]),
        /^TypeError: args\[1\] cannot be sent to a worker: it is a function/,
      );
      await assert.rejects(
        pool.map((x: unknown) => x, [1, 2, { when: new Date(), callback: double }]),
        /items\[2\]\.callback cannot be sent to a worker: it is a function \(double\)/,
      );
      const server = createServer();
      try {
        assert.throws(
          () => pool.mapAsync((x: unknown) => x, [server]),
          /items\[0\] cannot be sent to a worker: it is a live Server object/,
        );
      } finally {
        server.close();
      }
      await assert.rejects(pool.apply(double, 3 as unknown as [number]), /args must be an array of arguments/);
      await assert.rejects(pool.map(double, 5 as unknown as number[]), /items must be iterable/);
      await assert.rejects(pool.map(double, [1], { chunksize: 0 }), /chunksize must be a positive integer, got 0/);
      await assert.rejects(pool.map(double, [1], { signal: 'stop' as unknown as AbortSignal }), /signal must be an AbortSignal/);
      assert.deepEqual(await pool.map(double, [3]), [6], 'nothing was queued by the bad calls');
    });
  });

  it('a closed or terminated pool says so clearly', async () => {
    await withPool({ size: 1 }, async (pool) => {
      await assert.rejects(pool.join(), /join\(\) waits for the workers to end, which they only do after close\(\) or terminate\(\)/);
      pool.close();
      await assert.rejects(
        pool.map(double, [1]),
        (error: Error) =>
          error instanceof PoolClosedError && error.message === 'map() cannot be used: the pool was closed. Create a new Pool.',
      );
      assert.throws(() => pool.applyAsync(double, [1]), PoolClosedError);
      assert.throws(() => pool.imapUnordered(double, [1]), /imapUnordered\(\) cannot be used: the pool was closed/);
      await pool.join();
    });
  });

  it('ships each function once: the registry gives the same function the same entry', () => {
    const registry = new FunctionRegistry();
    const first = registry.lookup(double, 'fn');
    assert.equal(registry.lookup(double, 'fn'), first);
    assert.notEqual(registry.lookup((x: number) => x * 2, 'fn').id, first.id);
    const folder = mkdtempSync(join(tmpdir(), 'pool-registry-'));
    try {
      const file = join(folder, 'a.js');
      writeFileSync(file, 'export function f() {}\n');
      assert.equal(
        registry.lookup({ module: file, export: 'f' }, 'fn'),
        registry.lookup({ module: pathToFileURL(file).href, export: 'f' }, 'fn'),
      );
      assert.throws(() => registry.lookup({ module: join(folder, 'missing.js') }, 'fn'), /fn\.module: no such file/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
