/**
 * The program the sandbox runs: mocha, in-process, on one compiled test file,
 * reporting every test on file descriptor 3 as it ends (protocol.ts).
 *
 * `node sandbox-runner.js <test file.js> <per-test timeout ms> <output limit bytes>`
 *
 * It runs inside the limits sandbox.ts sets (permission model, heap cap, time
 * bound, process group). Here it only makes the report precise: it notes which
 * test was running, what each test printed, and a call to process.exit() by
 * the code under test (which would otherwise look like a silent crash).
 */
import { writeSync } from 'node:fs';
import Mocha from 'mocha';
import { capText, type PlannedTest, type RunnerEvent } from './protocol.js';

const REPORT_FD = 3;
const [testFile, timeoutText, outputLimitText] = process.argv.slice(2);
const outputLimit = Number(outputLimitText) > 0 ? Number(outputLimitText) : Infinity;
const realExit = process.exit.bind(process);

function emit(event: RunnerEvent): void {
  try {
    writeSync(REPORT_FD, JSON.stringify(event) + '\n');
  } catch {
    // The grader went away: nothing left to report to.
  }
}

// ---- what each test prints ---------------------------------------------------
// Output to a pipe is written asynchronously: a flood would pile up in memory
// and be lost at exit, unseen by the grader. So it is counted here, as written.
let currentTest: string | undefined;
let captured = '';
let printed = 0;
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
    printed += Buffer.byteLength(text);
    if (printed > outputLimit) {
      emit({ type: 'output-limit', bytes: printed, during: currentTest });
      realExit(1);
    }
    if (currentTest !== undefined && captured.length < 4096) captured += text;
    return write(chunk, ...rest);
  }) as typeof stream.write;
}

// ---- process.exit() from the code under test ---------------------------------
process.exit = ((code?: number | string | null) => {
  emit({ type: 'exit-called', code: code ?? undefined, during: currentTest });
  realExit(code ?? undefined);
}) as typeof process.exit;

// ---- the reporter --------------------------------------------------------------
const { EVENT_TEST_BEGIN, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING, EVENT_RUN_END } = Mocha.Runner.constants;

function failureMessage(error: unknown): string {
  if (error instanceof Error) {
    const name = error.name && error.name !== 'Error' && error.name !== 'AssertionError' ? `${error.name}: ` : '';
    const denied = error as Error & { code?: string; permission?: string; resource?: string };
    const why =
      denied.code === 'ERR_ACCESS_DENIED'
        ? ` (the grader does not allow ${denied.permission ?? 'this'}${denied.resource ? ` on ${denied.resource}` : ''} in this exercise)`
        : '';
    return capText(name + error.message + why);
  }
  return capText(String(error));
}

class GraderReporter {
  constructor(runner: Mocha.Runner) {
    let started = 0;
    let passed = 0;
    let failed = 0;
    let pending = 0;
    const finish = (test: Mocha.Test, state: 'passed' | 'failed', error?: unknown) => {
      emit({
        type: 'test',
        fullTitle: test.fullTitle(),
        title: test.title,
        state,
        message: error === undefined ? undefined : failureMessage(error),
        output: capText(captured),
        durationMs: Math.round(performance.now() - started),
      });
      currentTest = undefined;
      captured = '';
    };
    runner.on(EVENT_TEST_BEGIN, (test: Mocha.Test) => {
      currentTest = test.fullTitle();
      captured = '';
      started = performance.now();
      emit({ type: 'test-start', fullTitle: currentTest });
    });
    runner.on(EVENT_TEST_PASS, (test: Mocha.Test) => {
      passed += 1;
      finish(test, 'passed');
    });
    runner.on(EVENT_TEST_FAIL, (test: Mocha.Runnable, error: unknown) => {
      failed += 1;
      if (test instanceof Mocha.Hook) {
        emit({ type: 'hook-failed', title: test.fullTitle(), message: failureMessage(error) });
      } else {
        finish(test as Mocha.Test, 'failed', error);
      }
    });
    runner.on(EVENT_TEST_PENDING, (test: Mocha.Test) => {
      pending += 1;
      emit({ type: 'test', fullTitle: test.fullTitle(), title: test.title, state: 'pending', output: '', durationMs: 0 });
    });
    runner.once(EVENT_RUN_END, () => emit({ type: 'end', passed, failed, pending }));
  }
}

function plannedTests(suite: Mocha.Suite): PlannedTest[] {
  return [
    ...suite.tests.map((test) => ({ fullTitle: test.fullTitle(), title: test.title })),
    ...suite.suites.flatMap(plannedTests),
  ];
}

async function main(): Promise<void> {
  const timeout = Number(timeoutText);
  const mocha = new Mocha({
    reporter: GraderReporter as unknown as Mocha.ReporterConstructor,
    timeout: Number.isFinite(timeout) && timeout > 0 ? timeout : 10_000,
    color: false,
  });
  mocha.addFile(testFile);
  try {
    await mocha.loadFilesAsync();
  } catch (error) {
    emit({ type: 'load-error', message: failureMessage(error) });
    realExit(1);
  }
  emit({ type: 'plan', tests: plannedTests(mocha.suite) });
  mocha.run((failures) => {
    // Exit at once: whatever the code under test left running (servers, timers, workers) ends here.
    realExit(failures > 0 ? 1 : 0);
  });
}

await main();
