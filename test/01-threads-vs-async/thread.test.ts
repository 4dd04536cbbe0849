import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EndedEarlyError, JoinTimeoutError, Thread } from '../../src/01-threads-vs-async/thread.js';
import { distRoot } from '../../src/paths.js';

/** Runs `body` with process.stdout.write captured (as tslab captures it in a notebook). */
async function captureStdout(body: () => Promise<void>): Promise<string[]> {
  const original = process.stdout.write;
  const chunks: string[] = [];
  process.stdout.write = ((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  try {
    await body();
  } finally {
    process.stdout.write = original;
  }
  return chunks
    .join('')
    .split('\n')
    .filter((line) => line !== '');
}

/** Ends threads a failing test left running. */
const started: Array<{ readonly isAlive: boolean; terminate(): Promise<void> }> = [];
function track<T extends { readonly isAlive: boolean; terminate(): Promise<void> }>(thread: T): T {
  started.push(thread);
  return thread;
}

describe('Thread', () => {
  afterEach(async () => {
    await Promise.all(started.splice(0).map((thread) => (thread.isAlive ? thread.terminate() : undefined)));
  });

  it('runs the target with its args on another thread and joins with its result', async () => {
    const thread = track(
      new Thread({
        target: (a: number, b: number) => new Map([['sum', a + b]]),
        args: [2, 3],
        name: 'adder',
      }),
    );
    assert.equal(thread.isAlive, false);
    assert.equal(thread.threadId, undefined);
    assert.equal(thread.start(), thread);
    assert.equal(thread.isAlive, true);
    assert.ok(typeof thread.threadId === 'number' && thread.threadId > 0);
    const result = await thread.join();
    assert.deepEqual(result, new Map([['sum', 5]]));
    assert.equal(thread.isAlive, false);
    assert.equal(thread.name, 'adder');
  });

  it('waits for a Promise returned by the target, and names threads Thread-N by default', async () => {
    const thread = track(new Thread({ target: async () => new Promise((resolve) => setTimeout(() => resolve('late'), 20)) }));
    assert.match(thread.name, /^Thread-\d+$/);
    thread.start();
    assert.equal(await thread.join(), 'late');
  });

  it('rejects join with the error thrown in the worker, with its message and its stack', async () => {
    const thread = track(
      new Thread({
        target: function failing(limit: number) {
          if (limit < 10) throw new RangeError(`limit too small: ${limit}`);
          return limit;
        },
        args: [3],
      }),
    );
    thread.start();
    const error = await thread.join().then(
      () => assert.fail('join should reject'),
      (caught: unknown) => caught as Error,
    );
    assert.ok(error instanceof RangeError);
    assert.equal(error.message, 'limit too small: 3');
    assert.match(error.stack ?? '', /at failing/);
    assert.match(error.stack ?? '', /thread-worker\.cjs/);
  });

  it('shows the error of a thread nobody joins on stderr, as Python does', async () => {
    const original = process.stderr.write;
    let errorText = '';
    process.stderr.write = ((chunk: string | Uint8Array) => {
      errorText += String(chunk);
      return true;
    }) as typeof process.stderr.write;
    try {
      const thread = track(
        new Thread({
          target: () => {
            throw new Error('nobody listens');
          },
          name: 'lonely',
        }),
      );
      thread.start();
      while (thread.isAlive) await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      process.stderr.write = original;
    }
    assert.match(errorText, /^Exception in thread 'lonely':\nError: nobody listens\n\s+at /);
  });

  it('join(timeout) rejects with a JoinTimeoutError and leaves the thread running', async () => {
    const thread = track(new Thread({ target: () => new Promise((resolve) => setTimeout(() => resolve('finished'), 400)), name: 'slow' }));
    thread.start();
    await assert.rejects(thread.join(30), (error: unknown) => {
      assert.ok(error instanceof JoinTimeoutError);
      assert.match(error.message, /thread 'slow' is still running after 30 ms/);
      return true;
    });
    assert.equal(thread.isAlive, true);
    assert.equal(await thread.join(), 'finished');
  });

  it('join before start, start twice and bad timeouts are errors that say what is wrong', async () => {
    const thread = track(new Thread({ target: () => 1, name: 'early' }));
    await assert.rejects(thread.join(), /cannot join thread 'early' before it is started/);
    for (const timeout of [-1, Number.NaN, Number.POSITIVE_INFINITY, '5' as unknown as number]) {
      await assert.rejects(thread.join(timeout), (error: unknown) => error instanceof RangeError && /timeout/.test(error.message));
    }
    thread.start();
    assert.throws(() => thread.start(), /thread 'early' was already started/);
    assert.equal(await thread.join(), 1);
  });

  it('checks options before starting: args that cannot be copied, a missing target', () => {
    assert.throws(
      () => new Thread({ target: (a: unknown, b: unknown) => [a, b], args: [1, () => 2] }),
      (error: unknown) => error instanceof TypeError && /^args\[1\] cannot be sent/.test(error.message),
    );
    assert.throws(() => new Thread({ args: [] }), /nothing to run: pass \{ target/);
    assert.throws(() => new Thread({ target: 42 as never }), /target must be a function or \{ module, export \}/);
    assert.throws(() => new Thread({ target: () => 1, daemon: 'yes' as never }), /daemon must be true or false/);
  });

  it('explains the error of a target that uses a variable from outside it', async () => {
    const rate = 1.21;
    const thread = track(
      new Thread({
        target: function withTax(price: number) {
          return price * rate;
        },
        args: [100],
      }),
    );
    thread.start();
    await assert.rejects(thread.join(), (error: unknown) => {
      assert.ok(error instanceof ReferenceError);
      assert.match(error.message, /"withTax" uses "rate", which is defined outside the function/);
      return true;
    });
  });

  it('class style: run() executes in the worker with `this` bound to a copy of the fields', async () => {
    class Counter extends Thread<{ sum: number; name: string; label: string }> {
      limit = 3;
      constructor() {
        super({ name: 'counter' });
      }
      run() {
        let sum = 0;
        for (let i = 1; i <= this.limit; i++) sum += i;
        this.limit = 1000; // changes the copy only
        return { sum, name: this.name, label: this.label(sum) };
      }
      label(sum: number) {
        return `${this.name} counted to ${sum}`;
      }
    }
    const counter = track(new Counter());
    counter.limit = 4; // fields are copied at start(), so this counts
    counter.start();
    assert.deepEqual(await counter.join(), { sum: 10, name: 'counter', label: 'counter counted to 10' });
    assert.equal(counter.limit, 4);
  });

  it('class style: a field that cannot be copied is named at start()', () => {
    class Holder extends Thread {
      callback = { fn: () => 1 };
      run() {
        return 1;
      }
    }
    const holder = new Holder();
    assert.throws(() => holder.start(), /this\.callback\.fn cannot be sent/);
    assert.equal(holder.isAlive, false);
  });

  describe('module targets', () => {
    let folder: string;
    before(() => {
      folder = mkdtempSync(join(tmpdir(), 'thread-test-'));
      writeFileSync(
        join(folder, 'jobs.mjs'),
        'const base = 10;\nexport function addBase(x) { return base + x; }\nexport default () => "default export";\n',
      );
      writeFileSync(
        join(folder, 'typed.ts'),
        'interface Point { x: number; y: number }\nconst origin: Point = { x: 0, y: 0 };\n' +
          'export function distance(p: Point): number { return Math.hypot(p.x - origin.x, p.y - origin.y); }\n',
      );
    });
    after(() => rmSync(folder, { recursive: true, force: true }));

    it('runs an export of a .js module, which may use its top-level variables', async () => {
      const named = track(new Thread({ target: { module: join(folder, 'jobs.mjs'), export: 'addBase' }, args: [5] }));
      const byDefault = track(new Thread({ target: { module: pathToFileURL(join(folder, 'jobs.mjs')).href } }));
      named.start();
      byDefault.start();
      assert.equal(await named.join(), 15);
      assert.equal(await byDefault.join(), 'default export');
    });

    it('runs an export of a .ts module', async () => {
      const thread = track(new Thread({ target: { module: join(folder, 'typed.ts'), export: 'distance' }, args: [{ x: 3, y: 4 }] }));
      thread.start();
      assert.equal(await thread.join(), 5);
    });

    it('reports a missing file at construction and a missing export at join', async () => {
      assert.throws(() => new Thread({ target: { module: join(folder, 'nope.js') } }), /target\.module: no such file/);
      assert.throws(() => new Thread({ target: { module: join(folder, 'notes.txt') } }), /must be a \.js, \.mjs, \.cjs or \.ts file/);
      const thread = track(new Thread({ target: { module: join(folder, 'jobs.mjs'), export: 'missing' } }));
      thread.start();
      await assert.rejects(thread.join(), /has no function export "missing" \(its exports: addBase, default\)/);
    });
  });

  it('terminate() stops a running thread, and join then rejects', async () => {
    const thread = track(new Thread({ target: () => new Promise(() => setInterval(() => undefined, 1000)), name: 'forever' }));
    await assert.rejects(thread.terminate(), /cannot terminate thread 'forever': it was never started/);
    thread.start();
    await thread.terminate();
    assert.equal(thread.isAlive, false);
    await assert.rejects(
      thread.join(),
      (error: unknown) => error instanceof EndedEarlyError && /thread 'forever' was terminated/.test(error.message),
    );
  });

  it("the seed's numbers and letters: each thread's lines arrive complete and in order", async () => {
    const lines = await captureStdout(async () => {
      const numbers = track(
        new Thread({
          target: () => {
            for (let i = 1; i < 100; i++) console.log(`Número ${i}`);
            console.log('termina ejecución de imprimir_numeros');
          },
        }),
      );
      const letters = track(
        new Thread({
          target: () => {
            for (const letter of 'ABCDEFGHIJKLMNÑOPQRSTUVWXYZ'.repeat(5)) console.log(`Letra ${letter}`);
            console.log('termina ejecución de imprimir_letras');
          },
        }),
      );
      numbers.start();
      letters.start();
      await numbers.join();
      await letters.join();
      console.log('termina ejecución de programa');
    });
    const numberLines = lines.filter((line) => line.startsWith('Número') || line.endsWith('imprimir_numeros'));
    const letterLines = lines.filter((line) => line.startsWith('Letra') || line.endsWith('imprimir_letras'));
    assert.deepEqual(numberLines, [...Array.from({ length: 99 }, (_, i) => `Número ${i + 1}`), 'termina ejecución de imprimir_numeros']);
    assert.equal(letterLines.length, 27 * 5 + 1);
    assert.equal(letterLines[0], 'Letra A');
    assert.equal(letterLines.at(-1), 'termina ejecución de imprimir_letras');
    assert.equal(lines.length, numberLines.length + letterLines.length + 1);
    assert.equal(lines.at(-1), 'termina ejecución de programa');
  });

  it('a daemon thread does not keep the program alive, but joining one waits for it', async function () {
    const threadUrl = pathToFileURL(join(distRoot, '01-threads-vs-async', 'thread.js')).href;
    const script = `
      import { Thread } from ${JSON.stringify(threadUrl)};
      const watcher = new Thread({ daemon: true, target: () => new Promise(() => setInterval(() => {}, 1000)) });
      const helper = new Thread({ daemon: true, target: () => new Promise((resolve) => setTimeout(() => resolve(42), 200)) });
      watcher.start();
      helper.start();
      console.log('joined daemon: ' + (await helper.join()));
      console.log('watcher still alive: ' + watcher.isAlive);`;
    const { code, stdout, timedOut } = await runNode(script, 15_000);
    assert.equal(timedOut, false, 'the program should end although its watcher thread never does');
    assert.equal(code, 0);
    assert.equal(stdout.trim(), 'joined daemon: 42\nwatcher still alive: true');
  });
});

/** Runs an ES module script in a new Node process; kills it if it is still running after `limitMs`. */
function runNode(script: string, limitMs: number): Promise<{ code: number | null; stdout: string; timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, limitMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, timedOut });
    });
  });
}
