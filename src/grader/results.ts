/**
 * The shape of a grading result, modeled on Exercism's results.json (version
 * 3): a status (pass, fail, error), a message when the tests could not run to
 * the end, and per test a name, status, message and output capped at 500
 * characters, with the test's code for visible tests. Points are added, as
 * Otter-Grader and GitHub Classroom give them: per test, per exercise, per
 * submission.
 */

export type Status = 'pass' | 'fail' | 'error';

export interface TestResult {
  /** Mocha's full title, without the points tag. */
  name: string;
  status: Status;
  message: string | null;
  output: string | null;
  /** The test's source, for visible tests only (hidden tests stay hidden). */
  test_code?: string;
  points: number;
  maxPoints: number;
  hidden: boolean;
}

export interface ExerciseResult {
  version: 3;
  exercise: string;
  title: string;
  status: Status;
  /** Why the run could not finish (type errors, time out, crash...), or null. */
  message: string | null;
  tests: TestResult[];
  points: number;
  maxPoints: number;
  /** points / maxPoints, from 0 to 1 (0 when there is nothing to earn). */
  score: number;
  durationMs: number;
  /** Time spent type-checking and compiling, and running the tests, in ms. */
  timings?: { compileMs: number; testMs: number };
  /** Test output not tied to a test (capped), useful when the run crashed. */
  output?: string;
  /** Set when this exercise was graded without the OS sandbox, saying so. */
  sandbox?: string;
}

export interface SubmissionResult {
  version: 3;
  /** The submission's name: the student's folder name, or "submission". */
  submission: string;
  status: Status;
  /** How many exercises did not pass, in words (null when all passed). */
  message: string | null;
  exercises: ExerciseResult[];
  points: number;
  maxPoints: number;
  score: number;
}

export function scoreOf(points: number, maxPoints: number): number {
  return maxPoints > 0 ? Math.round((points / maxPoints) * 1000) / 1000 : 0;
}

/** The worst status of several: error over fail over pass. */
export function worstStatus(statuses: Status[]): Status {
  if (statuses.includes('error')) return 'error';
  if (statuses.includes('fail')) return 'fail';
  return 'pass';
}

export function summarizeSubmission(name: string, exercises: ExerciseResult[]): SubmissionResult {
  const points = exercises.reduce((sum, exercise) => sum + exercise.points, 0);
  const maxPoints = exercises.reduce((sum, exercise) => sum + exercise.maxPoints, 0);
  const notPassed = exercises.filter((exercise) => exercise.status !== 'pass').length;
  return {
    version: 3,
    submission: name,
    status: worstStatus(exercises.map((exercise) => exercise.status)),
    message: notPassed === 0 ? null : `${notPassed} of ${exercises.length} exercises did not pass`,
    exercises,
    points,
    maxPoints,
    score: scoreOf(points, maxPoints),
  };
}

/** Sentences saying that results were graded without the OS sandbox (none when all were sandboxed). */
export function sandboxNotes(results: SubmissionResult[]): string[] {
  return [...new Set(results.flatMap((result) => result.exercises.flatMap((exercise) => (exercise.sandbox ? [exercise.sandbox] : []))))];
}

/** The message to show for an exercise in one line: its own, or its first failing test's. */
export function firstProblem(result: ExerciseResult): string {
  if (result.message) return result.message;
  const failing = result.tests.find((test) => test.status !== 'pass');
  return failing ? `${failing.name}: ${failing.message ?? failing.status}` : '';
}
