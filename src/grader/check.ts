/**
 * `await check('crawler')` in a notebook cell: grades that exercise in the
 * student's own exercises/ folder, with its visible tests, in the same
 * sandbox as `npm run grade`, and shows the table of tests (HTML in a
 * notebook, plain text elsewhere). Resolves to the result, which prints as
 * one line ("crawler: pass, 8/8 points") so a cell does not dump the object.
 *
 * The grader (TypeScript, its sandbox) is loaded on the first call only, so
 * importing the kit stays fast.
 */
import { createRequire } from 'node:module';
import { inspect } from 'node:util';
import { kitRoot } from '../paths.js';
import type { ExerciseResult } from './results.js';

export interface CheckOptions {
  /** The course folder (default: the kit, i.e. the student's copy of the repo). */
  root?: string;
  /** Show the table (default true). */
  display?: boolean;
}

/** An exercise result that prints as one line. */
export type CheckResult = ExerciseResult & { [inspect.custom](): string };

function summary(result: ExerciseResult): string {
  const firstLine = result.message ? ` (${result.message.split('\n')[0]})` : '';
  return `${result.exercise}: ${result.status}, ${result.points}/${result.maxPoints} points${firstLine}`;
}

/**
 * Whether this process is a tslab kernel: tslab's code is already loaded.
 * Asked without importing tslab, since loading it elsewhere starts ZeroMQ threads.
 */
function inTslabKernel(): boolean {
  return Object.keys(createRequire(import.meta.url).cache).some((file) => /[\\/]tslab[\\/]dist[\\/]/.test(file));
}

/**
 * Shows the table as HTML when running in a tslab kernel; false elsewhere
 * (tslab may be loaded without a kernel, e.g. in a test run: its display then refuses).
 */
async function showInNotebook(html: string): Promise<boolean> {
  if (!inTslabKernel()) return false;
  const { show } = await import('../notebook/display.js');
  try {
    show({ html });
    return true;
  } catch (error) {
    if (/only inside a notebook/.test((error as Error).message)) return false;
    throw error;
  }
}

export async function check(name: string, options: CheckOptions = {}): Promise<CheckResult> {
  if (typeof name !== 'string' || name === '') throw new TypeError('check(name) needs the exercise name, e.g. check("crawler")');
  const [{ loadCourse, findExercise }, { gradeExercise }, { formatHtml, formatTests }] = await Promise.all([
    import('./manifest.js'),
    import('./grade.js'),
    import('./report.js'),
  ]);
  const course = loadCourse(options.root ?? kitRoot);
  const exercise = findExercise(course, name);
  // A student checks their own code: without bubblewrap it still runs, and the result says it was not sandboxed.
  const result = await gradeExercise(course, exercise, course.exercisesDir, { testsFrom: 'exercises', isolation: 'best' });
  if (options.display ?? true) {
    if (!(await showInNotebook(formatHtml(result)))) console.log(formatTests(result));
  }
  return Object.assign(result, { [inspect.custom]: () => summary(result) });
}
