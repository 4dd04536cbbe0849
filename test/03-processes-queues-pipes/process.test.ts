import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EndedEarlyError, JoinTimeoutError, Process } from '../../src/03-processes-queues-pipes/process.js';
import { distRoot } from '../../src/paths.js';
import { isRunning } from '../../src/engine/process-tree.js';

/** What captureStdout has captured so far. */
let printed = '';

/** Runs `body` with process.stdout.write captured (as tslab captures it in a notebook). */
async function captureStdout(body: () => Promise<void>): Promise<string[]> {
  const original = process.stdout.write;
  printed = '';
  process.stdout.write = ((chunk: string | Uint8Array) => {
    printed += Buffer.from(chunk).toString();
    return true;
  }) as typeof process.stdout.write;
  try {
    await body();
  } finally {
    process.stdout.write = original;
  }
  return printed.split('\n').filter((line) => line !== '');
}

async function waitUntilGone(pid: number, limitMs: number): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  while (isRunning(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

// Processes of every argument and result type: `unknown` would refuse a Process<[number], string>.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const started: Process<any, any>[] = [];
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function track<T extends Process<any, any>>(proc: T): T {
  started.push(proc);
  return proc;
}

describe('Process', () => {
  afterEach(async () => {
    await Promise.all(started.splice(0).map((proc) => (proc.isAlive ? proc.kill() : undefined)));
  });

  it('the seed\'s "Proceso padre / ID de proceso": the child sees its own pid and this program as its parent', async () => {
    let report: { pid: number; ppid: number } | undefined;
    const proc = track(
      new Process({
        name: 'MiProceso',
        target: (title: string) => {
          console.log(title);
          console.log('Proceso padre:', process.ppid);
          console.log('ID de proceso:', process.pid);
          return { pid: process.pid, ppid: process.ppid };
        },
        args: ['Hilo MiProceso'],
      }),
    );
    const lines = await captureStdout(async () => {
      proc.start();
      report = await proc.join();
    });
    assert.ok(typeof proc.pid === 'number');
    assert.deepEqual(report, { pid: proc.pid, ppid: process.pid });
    assert.deepEqual(lines, ['Hilo MiProceso', `Proceso padre: ${process.pid}`, `ID de proceso: ${proc.pid}`]);
    assert.equal(proc.exitCode, 0);
    assert.equal(proc.isAlive, false);
  });

  it('arguments and results are structured-cloned: Map, Set, Date and typed arrays survive', async () => {
    const proc = track(
      new Process({
        target: (counts: Map<string, number>, when: Date, bytes: Uint8Array) => ({
          total: [...counts.values()].reduce((a, b) => a + b, 0),
          keys: new Set(counts.keys()),
          year: when.getUTCFullYear(),
          doubled: bytes.map((b) => b * 2),
        }),
        args: [
          new Map([
            ['a', 1],
            ['b', 2],
          ]),
          new Date(Date.UTC(2024, 0, 1)),
          Uint8Array.of(1, 2, 3),
        ],
      }),
    );
    proc.start();
    assert.deepEqual(await proc.join(), { total: 3, keys: new Set(['a', 'b']), year: 2024, doubled: Uint8Array.of(2, 4, 6) });
  });

  it("rejects join with the child's error and stack; the child exits with code 1", async () => {
    const proc = track(
      new Process({
        target: function parse(text: string) {
          return JSON.parse(text);
        },
        args: ['{oops'],
      }),
    );
    proc.start();
    const error = await proc.join().then(
      () => assert.fail('join should reject'),
      (caught: unknown) => caught as Error,
    );
    assert.ok(error instanceof SyntaxError);
    assert.match(error.message, /JSON/);
    assert.match(error.stack ?? '', /at parse/);
    assert.match(error.stack ?? '', /process-child\.js/);
    assert.equal(proc.exitCode, 1);
  });

  it('exitCode is 3 after process.exit(3) in the child, and join says it ended without a result', async () => {
    const proc = track(new Process({ target: () => process.exit(3), name: 'quitter' }));
    proc.start();
    await assert.rejects(
      proc.join(),
      (error: unknown) => error instanceof EndedEarlyError && /process 'quitter' exited with code 3/.test(error.message),
    );
    assert.equal(proc.exitCode, 3);
    assert.equal(proc.signalCode, null);
  });

  it('terminate() sends SIGTERM and kill() SIGKILL, which a child cannot ignore', async () => {
    const forever = () => new Promise(() => setInterval(() => undefined, 1000));
    const polite = track(new Process({ target: forever, name: 'polite' }));
    const stubborn = track(
      new Process({
        target: () => {
          process.on('SIGTERM', () => console.log('stubborn: ignoring SIGTERM'));
          console.log('stubborn: ready');
          return new Promise(() => setInterval(() => undefined, 1000));
        },
        name: 'stubborn',
      }),
    );
    await assert.rejects(polite.terminate(), /cannot terminate process 'polite': it was never started/);
    polite.start();
    await polite.terminate();
    assert.equal(polite.signalCode, 'SIGTERM');
    assert.equal(polite.exitCode, null);
    await assert.rejects(polite.join(), /process 'polite' was ended by SIGTERM \(terminate\(\)\) before returning a result/);

    const lines = await captureStdout(async () => {
      stubborn.start();
      while (!printed.includes('stubborn: ready')) await new Promise((resolve) => setTimeout(resolve, 20));
      void stubborn.terminate(); // the child ignores it
      await assert.rejects(stubborn.join(300), JoinTimeoutError);
      assert.equal(stubborn.isAlive, true);
      await stubborn.kill();
    });
    assert.deepEqual(lines, ['stubborn: ready', 'stubborn: ignoring SIGTERM']);
    assert.equal(stubborn.signalCode, 'SIGKILL');
    await assert.rejects(stubborn.join(), /process 'stubborn' was ended by SIGKILL/);
  });

  it('join(timeout) leaves the child running; join before start and start twice are errors', async () => {
    const proc = track(new Process({ target: () => new Promise((resolve) => setTimeout(() => resolve('done'), 300)), name: 'slow' }));
    await assert.rejects(proc.join(), /cannot join process 'slow' before it is started/);
    await assert.rejects(proc.join(-5), RangeError);
    proc.start();
    assert.throws(() => proc.start(), /already started/);
    await assert.rejects(proc.join(20), /process 'slow' is still running after 20 ms/);
    assert.equal(proc.isAlive, true);
    assert.equal(await proc.join(), 'done');
  });

  it("class style, like the seed's MiProceso: run() sees a copy of the fields and can call methods", async () => {
    class MiProceso extends Process<string> {
      pause = 10;
      run() {
        return new Promise<string>((resolve) => setTimeout(() => resolve(this.info(`${this.name} durmió ${this.pause} ms`)), this.pause));
      }
      info(text: string) {
        return `${text} en el proceso ${process.pid}`;
      }
    }
    const proc = track(new MiProceso({ name: 'MiProceso' }));
    proc.start();
    assert.equal(await proc.join(), `MiProceso durmió 10 ms en el proceso ${proc.pid}`);
  });

  it('runs an export of a .ts module, and silent: true discards the output', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'process-test-'));
    try {
      writeFileSync(
        join(folder, 'report.ts'),
        'export function report(label: string): string {\n  console.log("from the child");\n  return `${label} ${process.pid}`;\n}\n',
      );
      const proc = track(new Process({ target: { module: join(folder, 'report.ts'), export: 'report' }, args: ['pid'], silent: true }));
      const lines = await captureStdout(async () => {
        proc.start();
        assert.equal(await proc.join(), `pid ${proc.pid}`);
      });
      assert.deepEqual(lines, []);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  describe('a daemon child dies with its parent program', () => {
    const processUrl = pathToFileURL(join(distRoot, '03-processes-queues-pipes', 'process.js')).href;
    /**
     * A parent program that starts a daemon child (sleeping for a minute), prints
     * its pid, waits for a line on stdin (while it waits, the test may signal it),
     * then does `then`.
     */
    const parentScript = (then: string) => `
      import { Process } from ${JSON.stringify(processUrl)};
      const child = new Process({ daemon: true, target: () => new Promise((resolve) => setTimeout(resolve, 60000)) });
      child.start();
      await new Promise((resolve) => setTimeout(resolve, 300)); // let the child start its target
      console.log('child ' + child.pid);
      await new Promise((resolve) => process.stdin.once('data', resolve));
      process.stdin.destroy();
      ${then}`;

    const cases: Array<{
      how: string;
      then: string;
      signal?: NodeJS.Signals;
      expect: { code: number | null; signal: NodeJS.Signals | null };
    }> = [
      { how: 'when the parent ends normally', then: '', expect: { code: 0, signal: null } },
      { how: 'when the parent throws', then: "throw new Error('parent failed');", expect: { code: 1, signal: null } },
      { how: 'when the parent gets SIGTERM', then: '', signal: 'SIGTERM', expect: { code: null, signal: 'SIGTERM' } },
      { how: 'when the parent gets SIGINT', then: '', signal: 'SIGINT', expect: { code: null, signal: 'SIGINT' } },
      { how: 'when the parent is SIGKILLed', then: '', signal: 'SIGKILL', expect: { code: null, signal: 'SIGKILL' } },
    ];
    for (const { how, then, signal, expect } of cases) {
      it(how, async () => {
        const parent = spawn(process.execPath, ['--input-type=module', '-e', parentScript(then)], { stdio: ['pipe', 'pipe', 'pipe'] });
        let childPid: number | undefined;
        try {
          const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
            parent.on('close', (code, endSignal) => resolve({ code, signal: endSignal })),
          );
          childPid = await new Promise<number>((resolve, reject) => {
            let text = '';
            parent.stdout.on('data', (chunk: Buffer) => {
              text += chunk;
              const match = /child (\d+)/.exec(text);
              if (match) resolve(Number(match[1]));
            });
            parent.on('close', () => reject(new Error(`the parent ended before starting its child: ${text}`)));
          });
          assert.ok(isRunning(childPid), 'the daemon child runs while its parent runs');
          if (signal) parent.kill(signal);
          else parent.stdin.end('go\n');
          assert.deepEqual(await ended, expect);
          assert.ok(await waitUntilGone(childPid, 5000), `daemon child ${childPid} outlived its parent`);
        } finally {
          parent.kill('SIGKILL');
          if (childPid !== undefined && isRunning(childPid)) process.kill(childPid, 'SIGKILL');
        }
      });
    }

    it('while the parent joins a daemon child, it waits for it', async () => {
      const script = `
        import { Process } from ${JSON.stringify(processUrl)};
        const child = new Process({ daemon: true, target: () => new Promise((resolve) => setTimeout(() => resolve(process.pid), 200)) });
        child.start();
        console.log('joined: ' + ((await child.join()) === child.pid) + ', exit code ' + child.exitCode);`;
      const parent = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      let text = '';
      parent.stdout.on('data', (chunk: Buffer) => (text += chunk));
      const timer = setTimeout(() => parent.kill('SIGKILL'), 15_000);
      const code = await new Promise<number | null>((resolve) => parent.on('close', (exitCode) => resolve(exitCode)));
      clearTimeout(timer);
      assert.equal(code, 0);
      assert.equal(text.trim(), 'joined: true, exit code 0');
    });

    it("leaves the decision to the program's own SIGINT handler", async () => {
      const then = `
        process.on('SIGINT', () => { console.log('cleaning up, child alive: ' + child.isAlive); setTimeout(() => process.exit(0), 100); });
        console.log('handler ready');
        setInterval(() => {}, 1000);`;
      const parent = spawn(process.execPath, ['--input-type=module', '-e', parentScript(then)], { stdio: ['pipe', 'pipe', 'pipe'] });
      let text = '';
      parent.stdout.on('data', (chunk: Buffer) => {
        text += chunk;
        if (/child \d+\n/.test(text) && parent.stdin.writable) parent.stdin.end('go\n');
        if (/handler ready/.test(text) && !parent.killed) parent.kill('SIGINT');
      });
      const code = await new Promise<number | null>((resolve) => parent.on('close', (exitCode) => resolve(exitCode)));
      const childPid = Number(/child (\d+)/.exec(text)?.[1]);
      try {
        assert.equal(code, 0);
        assert.match(text, /cleaning up, child alive: true/);
        assert.ok(await waitUntilGone(childPid, 5000), `daemon child ${childPid} outlived its parent`);
      } finally {
        if (isRunning(childPid)) process.kill(childPid, 'SIGKILL');
      }
    });
  });
});
