/**
 * What the sandboxed test process tells the grader, one signed line per event
 * on file descriptor 3 (engine/signed-report.ts: a pipe of its own, apart
 * from the student's stdout and stderr). Each test is reported as soon as it
 * ends, so the grader keeps the results of the tests that finished even if a
 * later one hangs or kills the process.
 */

/** A test as mocha names it: `fullTitle` joins the describe titles and the test title with spaces. */
export interface PlannedTest {
  fullTitle: string;
  title: string;
}

export type RunnerEvent =
  /** Every test registered, before any runs (the grader plans from the source, not from this). */
  | { type: 'plan'; tests: PlannedTest[] }
  | { type: 'test-start'; fullTitle: string }
  | {
      type: 'test';
      fullTitle: string;
      title: string;
      state: 'passed' | 'failed' | 'pending';
      /** Failure message, capped. */
      message?: string;
      /** What the test printed (stdout and stderr), capped. */
      output: string;
      durationMs: number;
    }
  /** A before/after hook failed: the tests it guards do not run. */
  | { type: 'hook-failed'; title: string; message: string }
  /** Loading the test file (and so the student's modules) threw. */
  | { type: 'load-error'; message: string }
  /** The process printed more than the grader allows: the runner stopped it. */
  | { type: 'output-limit'; bytes: number; during: string | undefined }
  /** The code under test called process.exit(). */
  | { type: 'exit-called'; code: number | string | undefined; during: string | undefined }
  | { type: 'end'; passed: number; failed: number; pending: number };

/** Longest failure message or per-test output kept, as Exercism does. */
export const MESSAGE_CAP = 500;

/** Cuts `text` to `limit` characters, saying how much was cut. */
export function capText(text: string, limit = MESSAGE_CAP): string {
  if (text.length <= limit) return text;
  const note = ` … [${text.length - limit} more characters cut]`;
  return text.slice(0, Math.max(0, limit - note.length)) + note;
}
