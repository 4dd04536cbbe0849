import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { distRoot } from '../../src/paths.js';
import { PoolAbortError, PoolTerminatedError, PoolTimeoutError, TaskTimeoutError, WorkerCrashError } from '../../src/04-pools/index.js';
import { release, sharedFlag, until, withPool } from './pool-helpers.js';

const double = (x: number) => x * 2;

/** Crashes its worker the first time it runs (the shared counter remembers), then succeeds. */
function crashOnce(counter: Int32Array, how: 'throw-outside' | 'exit' | 'oom'): string {
  if (Atomics.add(counter, 0, 1) === 0) {
    if (how === 'exit') process.exit(7);
    if (how === 'oom') {
      const hog: number[][] = [];
      for (;;) hog.push(new Array(100_000).fill(1));
    }
    setTimeout(() => {
      throw new Error('thrown outside any task');
    }, 0);
    return new Promise<never>(() => {}) as never; // still running when the worker dies
  }
  return `ok on run ${Atomics.load(counter, 0)}`;
}

describe('Pool reliability', () => {
  for (const how of ['throw-outside', 'exit', 'oom'] as const) {
    it(`replaces a worker that crashes (${how}) and retries its task on another worker`, async () => {
      await withPool({ size: 2, retries: 2, resourceLimits: { maxOldGenerationSizeMb: 16 } }, async (pool) => {
        const counter = sharedFlag();
        const others = pool.map(double, [1, 2, 3, 4, 5, 6]);
        const result = await pool.apply(crashOnce, [counter, how]);
        assert.equal(result, 'ok on run 2');
        assert.deepEqual(await others, [2, 4, 6, 8, 10, 12]);
        assert.deepEqual(await pool.map(double, [7, 8]), [14, 16], 'the pool keeps working');
        assert.ok(pool.workers <= 2);
      });
    });
  }

  it('gives up after `retries` retries, saying which task, how many attempts and why', async () => {
    await withPool({ size: 2, retries: 1 }, async (pool) => {
      const error = await pool
        .map(
          (x: number) => {
            if (x === 3) process.exit(9);
            return x;
          },
          [0, 1, 2, 3, 4, 5, 6, 7],
        )
        .catch((caught: unknown) => caught as WorkerCrashError);
      assert.ok(error instanceof WorkerCrashError, String(error));
      assert.equal(error.attempts, 2);
      assert.match(error.message, /^item 3 of map\(anonymous\) failed after 2 attempts: .*exited with code 9/);
      assert.deepEqual(await pool.map(double, [1, 2, 3]), [2, 4, 6]);
    });
  });

  it('out of memory is reported as such when retries run out', async () => {
    await withPool({ size: 1, retries: 0, resourceLimits: { maxOldGenerationSizeMb: 16 } }, async (pool) => {
      await assert.rejects(
        pool.apply(function hog() {
          const arrays: number[][] = [];
          for (;;) arrays.push(new Array(100_000).fill(1));
        }, []),
        (error: Error) => error instanceof WorkerCrashError && /apply\(hog\) failed after 1 attempt: .*out of memory/.test(error.message),
      );
      assert.equal(await pool.apply(double, [21]), 42);
    });
  });

  it('taskTimeout ends the stuck task’s worker; the other tasks go on', async () => {
    await withPool({ size: 2, taskTimeout: 300 }, async (pool) => {
      const stuck = pool.apply(function spin() {
        for (;;);
      }, []);
      const quick = Array.from({ length: 8 }, (_, i) =>
        pool.apply(
          async (x: number) => {
            await new Promise((resolve) => setTimeout(resolve, 20));
            return x;
          },
          [i],
        ),
      );
      assert.deepEqual(await Promise.all(quick), [0, 1, 2, 3, 4, 5, 6, 7]);
      const error = await stuck.catch((caught: unknown) => caught as Error);
      assert.ok(error instanceof TaskTimeoutError && error instanceof PoolTimeoutError);
      assert.match(error.message, /apply\(spin\) did not finish within taskTimeout \(300 ms\)/);
      assert.deepEqual(await pool.map(double, [1, 2]), [2, 4], 'the pool keeps working');
    });
  });

  it('terminate() while busy ends every worker; queued and running tasks reject', async () => {
    const pool = await withPool({ size: 2 }, async (pool) => {
      const spin = function spin() {
        for (;;);
      };
      const running = Promise.allSettled([pool.apply(spin, []), pool.apply(spin, [])]);
      const queued = pool.mapAsync(double, [1, 2, 3]);
      await until(() => pool.workers === 2, 'both workers to start');
      await pool.terminate();
      for (const outcome of await running) {
        assert.equal(outcome.status, 'rejected');
        const error = (outcome as PromiseRejectedResult).reason as Error;
        assert.ok(error instanceof PoolTerminatedError);
        assert.match(error.message, /^apply\(spin\) did not finish: the pool was terminated/);
      }
      await assert.rejects(queued.get(), PoolTerminatedError);
      assert.equal(pool.workers, 0);
      return pool;
    });
    await assert.rejects(pool.map(double, [1]), /map\(\) cannot be used: the pool was terminated/);
    // (the leftover check of the test harness verifies that no thread is left)
  });

  it('an AbortSignal drops the queued tasks and ends the running one', async () => {
    await withPool({ size: 1 }, async (pool) => {
      const started = sharedFlag();
      const controller = new AbortController();
      const work = pool.map(
        (counter: Int32Array) => {
          Atomics.add(counter, 0, 1);
          for (;;);
        },
        Array.from({ length: 10 }, () => started),
        { signal: controller.signal },
      );
      await until(() => Atomics.load(started, 0) === 1, 'the first task to start');
      controller.abort();
      await assert.rejects(work, (error: Error) => error instanceof PoolAbortError && /map\(anonymous\) was aborted/.test(error.message));
      // With one worker, this only works if the spinning task was ended.
      assert.deepEqual(await pool.map(double, [1, 2]), [2, 4]);
      assert.equal(Atomics.load(started, 0), 1, 'queued tasks must not run after the abort');

      const already = AbortSignal.abort();
      await assert.rejects(pool.apply(double, [1], { signal: already }), PoolAbortError);
    });
  });

  it('a call timeout cancels the whole call and rejects with a TimeoutError', async () => {
    await withPool({ size: 1 }, async (pool) => {
      await assert.rejects(
        pool.map(
          () => {
            for (;;);
          },
          [1, 2, 3],
          { timeout: 200 },
        ),
        (error: Error) =>
          error instanceof PoolTimeoutError && /map\(anonymous\) did not finish within timeout \(200 ms\)/.test(error.message),
      );
      assert.equal(await pool.apply(double, [5], { timeout: 5000 }), 10);
    });
  });

  it('maxTasksQueued: a full queue makes submission wait (back-pressure), and nothing is lost', async () => {
    await withPool({ size: 1, maxTasksQueued: 2 }, async (pool) => {
      const gate = sharedFlag();
      const blocker = pool.apply(
        (flag: Int32Array) => {
          Atomics.wait(flag, 0, 0);
          return 'unblocked';
        },
        [gate],
      );
      let pulled = 0;
      async function* source() {
        for (let i = 0; i < 20; i++) {
          pulled++;
          yield i;
        }
      }
      const results = (async () => {
        const values: number[] = [];
        for await (const value of pool.imap(double, source())) values.push(value);
        return values;
      })();
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.ok(pool.queued <= 3, `at most 2 queued + 1 waiting for room, found ${pool.queued}`);
      assert.ok(pulled <= 6, `the source should be paused by back-pressure, but ${pulled} of 20 items were taken`);
      release(gate);
      assert.equal(await blocker, 'unblocked');
      assert.deepEqual(
        await results,
        Array.from({ length: 20 }, (_, i) => i * 2),
      );
      assert.equal(pulled, 20);
    });
  });

  it('close() lets accepted work finish, then join() waits for the workers to end', async () => {
    const pool = await withPool({ size: 2 }, async (pool) => {
      const pending = pool.mapAsync(
        async (x: number) => {
          await new Promise((resolve) => setTimeout(resolve, 30));
          return x;
        },
        [1, 2, 3, 4],
      );
      pool.close();
      await assert.rejects(pool.apply(double, [1]), /apply\(\) cannot be used: the pool was closed/);
      await pool.join();
      assert.equal(pending.ready(), true);
      assert.deepEqual(await pending.get(), [1, 2, 3, 4]);
      assert.equal(pool.workers, 0);
      return pool;
    });
    await assert.rejects(
      pool.join().then(() => pool.map(double, [1])),
      /closed|terminated/,
    );
  });

  it('kind "processes": a crashed child is replaced and its task retried', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'pool-crash-'));
    try {
      await withPool({ size: 2, kind: 'processes' }, async (pool) => {
        const marker = join(folder, 'crashed');
        const result = await pool.apply(
          (file: string) => {
            const fs = process.getBuiltinModule('node:fs') as typeof import('node:fs');
            if (!fs.existsSync(file)) {
              fs.writeFileSync(file, String(process.pid));
              process.exit(5);
            }
            return process.pid;
          },
          [marker],
        );
        assert.notEqual(result, Number(readFileSync(marker, 'utf8')), 'the retry ran in another process');
        await assert.rejects(
          pool.apply(() => {
            setTimeout(() => {
              throw new Error('child blew up');
            });
            return new Promise(() => {});
          }, []),
          (error: Error) => error instanceof WorkerCrashError && /uncaught Error: child blew up/.test(error.message),
        );
        assert.deepEqual(await pool.map(double, [1, 2, 3]), [2, 4, 6]);
      });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  for (const kind of ['threads', 'processes'] as const) {
    it(`idle workers (${kind}) do not keep the program alive; join and terminate complete`, async () => {
      const script = `
        import { Pool } from ${JSON.stringify(join(distRoot, '04-pools', 'pool.js'))};
        const pool = new Pool({ size: 2, kind: '${kind}' });
        console.log(JSON.stringify(await pool.map((x) => x * 10, [1, 2, 3])));
        const mode = process.argv[1];
        if (mode === 'close') pool.close();
        if (mode === 'join') { pool.close(); await pool.join(); }
        if (mode === 'terminate') await pool.terminate();
        if (mode === 'dispose') await pool[Symbol.asyncDispose]();
        if (mode !== 'idle' && mode !== 'close') console.log(pool.workers);
      `;
      for (const mode of ['close', 'idle', 'join', 'terminate', 'dispose']) {
        const output = await new Promise<string>((resolve, reject) => {
          execFile(
            process.execPath,
            ['--input-type=module', '-e', script, mode],
            { timeout: 10_000, killSignal: 'SIGKILL' },
            (error, stdout) => (error ? reject(new Error(`${mode}: ${error.message}`)) : resolve(stdout)),
          );
        });
        // An unsettled top-level await (a worker end that never completes) would exit with code 13.
        assert.equal(output.trim(), mode === 'idle' || mode === 'close' ? '[10,20,30]' : '[10,20,30]\n0', mode);
      }
    });
  }
});
