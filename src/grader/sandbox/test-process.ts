/**
 * The test process: what runs inside the grader's sandbox. Before any code of
 * the submission runs, it
 *
 * 1. reads the report key from fd 4 and its bundle (the compiled files, the
 *    test file, limits) from fd 5, closes both, and writes the files into its
 *    work folder (a tmpfs in the OS sandbox);
 * 2. loads the packages the test file imports, then hardens the realm
 *    (engine/harden-realm.ts): the language's intrinsics, the built-in
 *    modules, those packages, the globals and `process` are frozen, and heap
 *    snapshots, V8 flags, async hooks and loader hooks are shut;
 * 3. installs the test API (bdd.ts) and imports the test file, whose first
 *    import (gate.ts) deletes it from disk before the code under test runs.
 *
 * Then it runs the tests and writes each event to fd 3 as it happens, signed
 * with the key (engine/signed-report.ts). The key, the runner's state and
 * the signer live in closures the code under test cannot reach, and nothing
 * they use can be patched any more: forging the channel, patching `assert`
 * or the runner, or ending the process early can only lose points.
 *
 * `node [permission flags] test-process.js` with fds 3
 * (report, write), 4 (key, read) and 5 (bundle, read).
 */
import { closeSync, mkdirSync, readSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { hardenRealm } from '../../engine/harden-realm.js';
import { REPORT_KEY_BYTES, ReportSigner } from '../../engine/signed-report.js';
import { capText, type PlannedTest, type RunnerEvent } from '../protocol.js';
import { createRegistry, createRunner, type Test } from './bdd.js';

export const REPORT_FD = 3;
export const KEY_FD = 4;
export const BUNDLE_FD = 5;

/** What the grader sends the test process on fd 5 (JSON). */
export interface Bundle {
  /** Where the files go (the sandbox's /work, or a temporary folder without the OS sandbox). */
  workDir: string;
  /** Relative path → content: the compiled code under test, helpers, the compiled test file. */
  files: Record<string, string>;
  /** The test file, one of `files`. */
  testFile: string;
  /** Packages the test file imports (bare specifiers), loaded and frozen before the code under test. */
  packages: string[];
  allowWorkers: boolean;
  /** Per-test time limit (ms) for tests that set none. */
  testTimeoutMs: number;
  /** Output (bytes) past which the run is stopped. */
  outputLimitBytes: number;
}

// What this file uses after the code under test has loaded is taken now.
// process.exit() ends in process.reallyExit(), which exits at once (no 'exit' event for the code under test to hold on to).
const reallyExit = (process as unknown as { reallyExit(code: number): never }).reallyExit.bind(process);
const realExit = (code: number): never => reallyExit(code);
const { setTimeout, clearTimeout, JSON: Json } = globalThis;

function readAll(fd: number): Buffer {
  const chunks: Buffer[] = [];
  const buffer = Buffer.alloc(64 * 1024);
  for (;;) {
    const count = readSync(fd, buffer, 0, buffer.length, null);
    if (count === 0) break;
    chunks.push(Buffer.from(buffer.subarray(0, count)));
  }
  closeSync(fd);
  return Buffer.concat(chunks);
}

/** The reporter: signs each event and writes it to fd 3 at once (so nothing is lost if the process dies next). */
function openReport(): (event: RunnerEvent) => void {
  const key = readAll(KEY_FD);
  if (key.length !== REPORT_KEY_BYTES) throw new Error(`the test process got ${key.length} of ${REPORT_KEY_BYTES} key bytes`);
  const signer = new ReportSigner(key);
  key.fill(0);
  return (event) => {
    let bytes = Buffer.from(signer.sign(event));
    while (bytes.length > 0) {
      try {
        bytes = bytes.subarray(writeSync(REPORT_FD, bytes));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') return; // the grader went away
      }
    }
  };
}

function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const name = error.name && error.name !== 'Error' && error.name !== 'AssertionError' ? `${error.name}: ` : '';
    const denied = error as Error & { code?: string; permission?: string; resource?: string };
    const why =
      denied.code === 'ERR_ACCESS_DENIED' && !/the grader does not allow/.test(error.message)
        ? ` (the grader does not allow ${denied.permission ?? 'this'}${denied.resource ? ` on ${denied.resource}` : ''} in this exercise)`
        : '';
    return capText(`${name}${String(error.message)}${why}`);
  }
  return capText(String(error));
}

/** Loads the packages the test imports, from the work folder (so they resolve as the test's own imports do). */
async function loadPackages(workDir: string, packages: string[]): Promise<unknown[]> {
  if (packages.length === 0) return [];
  const loader = join(workDir, '.grader-packages.mjs');
  writeFileSync(loader, packages.map((name, i) => `export * as p${i} from ${Json.stringify(name)};`).join('\n') + '\n');
  try {
    const namespaces = (await import(pathToFileURL(loader).href)) as Record<string, unknown>;
    return Object.values(namespaces);
  } finally {
    unlinkSync(loader);
  }
}

async function main(): Promise<void> {
  const report = openReport();
  const bundle = Json.parse(readAll(BUNDLE_FD).toString('utf8')) as Bundle;
  for (const [file, content] of Object.entries(bundle.files)) {
    const path = join(bundle.workDir, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
  const testPath = join(bundle.workDir, bundle.testFile);
  const gate = new URL('./gate.js', import.meta.url);
  gate.searchParams.set('file', testPath);
  // On the first line, so the test's line numbers stay as they are.
  writeFileSync(testPath, `import ${Json.stringify(gate.href)}; ${bundle.files[bundle.testFile]}`);

  // What each test prints, and the output limit (counted as written: a flood would otherwise pile up unseen).
  let currentTest: string | undefined;
  let captured = '';
  let printed = 0;
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    Reflect.defineProperty(stream, 'write', {
      value: (chunk: unknown, ...rest: unknown[]) => {
        const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
        printed += Buffer.byteLength(text);
        if (printed > bundle.outputLimitBytes) {
          report({ type: 'output-limit', bytes: printed, during: currentTest });
          realExit(1);
        }
        if (currentTest !== undefined && captured.length < 4096) captured += text;
        return write(chunk, ...rest);
      },
      writable: true,
      configurable: true,
    });
  }
  const exitCalled = (code?: number | string | null) => {
    report({ type: 'exit-called', code: code ?? undefined, during: currentTest });
    realExit(typeof code === 'number' ? code : 1);
  };
  Reflect.defineProperty(process, 'exit', { value: exitCalled, writable: true, configurable: true });
  Reflect.defineProperty(process, 'abort', { value: exitCalled, writable: true, configurable: true });

  let runner: ReturnType<typeof createRunner> | undefined;
  process.setUncaughtExceptionCaptureCallback((error) => {
    if (!runner?.failRunning(error)) process.stderr.write(`uncaught error outside a test: ${messageOf(error)}\n`);
  });
  Reflect.defineProperty(process, 'setUncaughtExceptionCaptureCallback', {
    value: () => {
      throw Object.assign(
        new Error(
          'Access to this API has been restricted (the grader does not allow process.setUncaughtExceptionCaptureCallback in this exercise)',
        ),
        {
          code: 'ERR_ACCESS_DENIED',
        },
      );
    },
    writable: true,
    configurable: true,
  });

  const registry = createRegistry();
  let packages: unknown[] = [];
  try {
    packages = await loadPackages(bundle.workDir, bundle.packages);
  } catch (error) {
    report({ type: 'load-error', message: messageOf(error) });
    realExit(1);
  }
  hardenRealm({ allowWorkers: bundle.allowWorkers, globals: registry.api, roots: packages });

  try {
    await import(pathToFileURL(testPath).href);
  } catch (error) {
    process.stderr.write('DEBUG ' + String((error as Error).stack) + '\n');
    report({ type: 'load-error', message: messageOf(error) });
    realExit(1);
  }

  registry.close();
  const tests = registry.tests();
  const plan: PlannedTest[] = tests.map((test) => ({ fullTitle: test.fullTitle, title: test.title }));
  report({ type: 'plan', tests: plan });
  const counts = new Map<string, number>();
  for (const test of tests) counts.set(test.fullTitle, (counts.get(test.fullTitle) ?? 0) + 1);
  const twice = new Set(tests.filter((test) => counts.get(test.fullTitle)! > 1));

  let passed = 0;
  let failed = 0;
  let pending = 0;
  let started = 0;
  const end = (test: Test, state: 'passed' | 'failed' | 'pending', error?: unknown) => {
    if (state === 'passed') passed += 1;
    else if (state === 'failed') failed += 1;
    else pending += 1;
    report({
      type: 'test',
      fullTitle: test.fullTitle,
      title: test.title,
      state,
      message: error === undefined ? undefined : messageOf(error),
      output: capText(captured),
      durationMs: Math.round(performance.now() - started),
    });
    currentTest = undefined;
    captured = '';
  };
  runner = createRunner(
    registry.root,
    {
      testStart(test) {
        currentTest = test.fullTitle;
        captured = '';
        started = performance.now();
        report({ type: 'test-start', fullTitle: test.fullTitle });
      },
      testEnd: end,
      hookFailed(title, error) {
        failed += 1;
        report({ type: 'hook-failed', title, message: messageOf(error) });
      },
    },
    { defaultTimeoutMs: bundle.testTimeoutMs, setTimeout, clearTimeout },
  );
  await runner.run(twice, 'this test title was registered twice: the code under test may have added a test of the same name');
  report({ type: 'end', passed, failed, pending });
  // Whatever the code under test left running (servers, timers, workers) ends here.
  realExit(failed > 0 ? 1 : 0);
}

await main();
