/**
 * Grading one exercise of one submission, in the stages Exercism and
 * Otter-Grader use:
 *
 * 1. a fresh folder with the student's files (only those the manifest lists)
 *    and the INSTRUCTOR's test file, hidden tests included;
 * 2. type-check (compile.ts): type errors are the result, status "error";
 * 3. the tests, in a sandboxed child process (sandbox.ts);
 * 4. the outcome read into a results.json-like result (results.ts): per test
 *    status, message and points; when the run was cut short, a message saying
 *    why and during which test.
 *
 * A submission is a student's copy of the repository (or of its exercises/
 * folder): `<submission>/exercises/<unit>/<name>/<file>`.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { kitRoot } from '../paths.js';
import { typeCheckAndEmit } from './compile.js';
import { listFiles } from './generate.js';
import { exerciseFolder, findExercise, type Course, type ExerciseSpec } from './manifest.js';
import { capText, type RunnerEvent } from './protocol.js';
import { scoreOf, summarizeSubmission, type ExerciseResult, type Status, type SubmissionResult, type TestResult } from './results.js';
import { formatSeconds, runSandbox, type SandboxLimits, type SandboxOutcome } from './sandbox.js';
import { pointsOf, scanTests, withoutPoints, type ScannedTest } from './test-scan.js';

export interface GradeOptions {
  /**
   * Whose tests run: 'solutions' (the instructor's, with hidden tests) or
   * 'exercises' (the visible ones a student has). Default: 'solutions' when the
   * course has the exercise's solution folder, else 'exercises'.
   */
  testsFrom?: 'solutions' | 'exercises';
  /** Changes to the manifest's limits (tests and benchmarks use short ones). */
  limits?: Partial<SandboxLimits>;
  /** Marks the sandboxes of one grading run (see killRunSandboxes). */
  runId?: string;
  signal?: AbortSignal;
  /** Keep the work folder for inspection (its path goes to stderr). */
  keepWorkDir?: boolean;
  /** Where work folders are made (default: the system's temporary folder). */
  workRoot?: string;
}

/** The folder holding `<unit>/<name>/` for a submission: its exercises/ folder if it has one, else itself. */
export function submissionExercisesDir(submission: string): string {
  const inner = join(submission, 'exercises');
  return existsSync(inner) && statSync(inner).isDirectory() ? inner : submission;
}

function testsFolder(course: Course, exercise: ExerciseSpec, options: GradeOptions): string {
  const solutions = exerciseFolder(course, 'solutions', exercise);
  const from = options.testsFrom ?? (existsSync(solutions) ? 'solutions' : 'exercises');
  return from === 'solutions' ? solutions : exerciseFolder(course, 'exercises', exercise);
}

/** The sandbox limits for an exercise, from its manifest entry. */
export function limitsOf(exercise: ExerciseSpec, overrides: Partial<SandboxLimits> = {}): SandboxLimits {
  return {
    timeLimitMs: exercise.timeLimitSeconds * 1000,
    memoryMb: exercise.memoryMb,
    allowWorkers: exercise.needsWorkers,
    allowChildProcesses: exercise.needsChildProcesses,
    ...overrides,
  };
}

function emptyResult(exercise: ExerciseSpec, status: Status, message: string, scanned: ScannedTest[], durationMs: number): ExerciseResult {
  return {
    version: 3,
    exercise: exercise.name,
    title: exercise.title,
    status,
    message,
    tests: [],
    points: 0,
    maxPoints: scanned.reduce((sum, test) => sum + test.points, 0),
    score: 0,
    durationMs: Math.round(durationMs),
  };
}

/** Grades one exercise of the submission whose exercises live in `exercisesDir`. */
export async function gradeExercise(course: Course, exercise: ExerciseSpec, exercisesDir: string, options: GradeOptions = {}): Promise<ExerciseResult> {
  const started = performance.now();
  const instructor = testsFolder(course, exercise, options);
  const testsPath = join(instructor, exercise.tests);
  if (!existsSync(testsPath)) throw new Error(`exercise "${exercise.name}": its test file ${testsPath} does not exist`);
  const testSource = readFileSync(testsPath, 'utf8');
  const scanned = scanTests(testSource, testsPath);
  const studentDir = join(exercisesDir, exercise.unit, exercise.name);
  const missing = exercise.files.filter((file) => !existsSync(join(studentDir, file)));
  if (missing.length > 0) {
    return emptyResult(exercise, 'error', `missing from the submission: ${missing.map((file) => join(exercise.unit, exercise.name, file)).join(', ')}`, scanned, performance.now() - started);
  }

  const workDir = mkdtempSync(join(options.workRoot ?? tmpdir(), `grade-${exercise.name}-`));
  try {
    // The instructor's files (tests, helpers), then the student's over them.
    for (const file of listFiles(instructor)) {
      if (exercise.files.includes(file) || file === 'README.md') continue;
      mkdirSync(dirname(join(workDir, file)), { recursive: true });
      copyFileSync(join(instructor, file), join(workDir, file));
    }
    for (const file of exercise.files) {
      mkdirSync(dirname(join(workDir, file)), { recursive: true });
      copyFileSync(join(studentDir, file), join(workDir, file));
    }
    writeFileSync(join(workDir, 'package.json'), '{ "type": "module", "private": true }\n');
    symlinkSync(join(kitRoot, 'node_modules'), join(workDir, 'node_modules'), 'dir');

    const sources = listFiles(workDir).filter((file) => file.endsWith('.ts')).map((file) => join(workDir, file));
    const compiled = typeCheckAndEmit(workDir, sources);
    if (!compiled.ok) {
      const message = `type errors (the tests did not run):\n${compiled.errors.join('\n')}`;
      return emptyResult(exercise, 'error', capText(message, 4000), scanned, performance.now() - started);
    }
    const limits = limitsOf(exercise, { allowAddons: importsKitRoot(workDir), ...options.limits });
    const outcome = await runSandbox({
      workDir,
      testFile: join(workDir, exercise.tests.replace(/\.ts$/, '.js')),
      limits,
      runId: options.runId,
      signal: options.signal,
    });
    const result = interpret(exercise, outcome, scanned, performance.now() - started, limits);
    result.timings = { compileMs: Math.round(compiled.durationMs), testMs: Math.round(outcome.durationMs) };
    return result;
  } finally {
    if (options.keepWorkDir) process.stderr.write(`work folder kept: ${workDir}\n`);
    else rmSync(workDir, { recursive: true, force: true, maxRetries: 3 });
  }
}

/**
 * Whether the compiled code imports the kit's root module, which loads a
 * native addon (the charts' canvas): only then may the sandbox load addons.
 */
function importsKitRoot(workDir: string): boolean {
  return listFiles(workDir)
    .filter((file) => file.endsWith('.js'))
    .some((file) => /(from\s*|import\s*\(\s*)['"]course-kit['"]/.test(readFileSync(join(workDir, file), 'utf8')));
}

/** Why a run that did not reach its end stopped, in one sentence (or undefined if it ended normally). */
function whyStopped(outcome: SandboxOutcome, limits: SandboxLimits, events: RunnerEvent[]): string | undefined {
  const exit = events.find((event) => event.type === 'exit-called');
  const loadError = events.find((event) => event.type === 'load-error');
  const ended = events.some((event) => event.type === 'end');
  if (outcome.heapExhausted) return `ran out of memory (the heap limit is ${limits.memoryMb} MB)`;
  const flood = events.find((event) => event.type === 'output-limit');
  if (flood && flood.type === 'output-limit') return `printed more than ${Math.round((limits.outputLimitBytes ?? 1024 * 1024) / 1024)} KB of output`;
  if (outcome.stopped) {
    return outcome.stopped.reason === 'timeout' ? `timed out after ${formatSeconds(limits.timeLimitMs)}` : outcome.stopped.detail;
  }
  if (loadError && loadError.type === 'load-error') return `the code failed while being loaded: ${loadError.message}`;
  if (exit && exit.type === 'exit-called') {
    return `the code under test called process.exit(${exit.code ?? ''}); the tests cannot go on after that`;
  }
  if (!ended) {
    const how = outcome.signal ? `was killed by ${outcome.signal}` : `exited with code ${outcome.exitCode}`;
    const firstError = /^\s*(\w*Error\b.*)$/m.exec(outcome.output)?.[1];
    return `the test process ${how} before the tests finished${firstError ? `: ${capText(firstError, 300)}` : ''}`;
  }
  return undefined;
}

/** Turns what the sandbox saw into a result. */
export function interpret(exercise: ExerciseSpec, outcome: SandboxOutcome, scanned: ScannedTest[], durationMs: number, limits: SandboxLimits): ExerciseResult {
  const events = outcome.events;
  const plan = events.find((event) => event.type === 'plan');
  const planned = plan && plan.type === 'plan' ? plan.tests : scanned.map(({ fullTitle, title }) => ({ fullTitle, title }));
  const reported = new Map<string, Extract<RunnerEvent, { type: 'test' }>>();
  let running: string | undefined;
  for (const event of events) {
    if (event.type === 'test-start') running = event.fullTitle;
    if (event.type === 'test') {
      reported.set(event.fullTitle, event);
      if (running === event.fullTitle) running = undefined;
    }
  }
  for (const event of events) {
    if ((event.type === 'exit-called' || event.type === 'output-limit') && event.during) running = event.during;
  }
  const hookFailures = events.filter((event) => event.type === 'hook-failed');
  const stopReason = whyStopped(outcome, limits, events);
  const byTitle = new Map(scanned.map((test) => [test.fullTitle, test]));

  const tests: TestResult[] = [];
  for (const test of planned) {
    const found = byTitle.get(test.fullTitle) ?? scanned.find((candidate) => candidate.title === test.title);
    const maxPoints = found?.points ?? pointsOf(test.title);
    const hidden = found?.hidden ?? false;
    const report = reported.get(test.fullTitle);
    if (report?.state === 'pending') continue; // skipped tests count for nothing
    let status: Status;
    let message: string | null = null;
    if (report) {
      status = report.state === 'passed' ? 'pass' : 'fail';
      message = report.message ?? null;
    } else if (test.fullTitle === running && stopReason) {
      status = 'error';
      message = stopReason;
    } else {
      status = 'error';
      const hook = hookFailures[0];
      message = stopReason
        ? `not run: ${stopReason}`
        : hook && hook.type === 'hook-failed'
          ? `not run: ${hook.title} failed: ${hook.message}`
          : 'not run';
    }
    tests.push({
      name: withoutPoints(test.fullTitle),
      status,
      message: message === null ? null : capText(message),
      output: report?.output ? capText(report.output) : null,
      ...(hidden || !found ? {} : { test_code: capText(found.code, 2000) }),
      points: status === 'pass' ? maxPoints : 0,
      maxPoints,
      hidden,
    });
  }

  const points = tests.reduce((sum, test) => sum + test.points, 0);
  const maxPoints = planned.length > 0 ? tests.reduce((sum, test) => sum + test.maxPoints, 0) : scanned.reduce((sum, test) => sum + test.points, 0);
  let message: string | null = null;
  let status: Status;
  if (stopReason) {
    status = 'error';
    message = running ? `${stopReason} (while running "${withoutPoints(running)}")` : stopReason;
  } else if (hookFailures.length > 0 && hookFailures[0].type === 'hook-failed') {
    status = 'error';
    message = `${hookFailures[0].title} failed: ${hookFailures[0].message}`;
  } else if (tests.length === 0) {
    status = 'error';
    message = 'no tests ran';
  } else {
    status = tests.every((test) => test.status === 'pass') ? 'pass' : 'fail';
  }
  const result: ExerciseResult = {
    version: 3,
    exercise: exercise.name,
    title: exercise.title,
    status,
    message: message === null ? null : capText(message, 1000),
    tests,
    points,
    maxPoints,
    score: scoreOf(points, maxPoints),
    durationMs: Math.round(durationMs),
  };
  if (status === 'error' && outcome.output.trim()) result.output = capText(outcome.output.trim(), 2000);
  return result;
}

export interface SubmissionOptions extends GradeOptions {
  /** Only this exercise (an unknown name is an error listing the known ones). */
  exercise?: string;
  /** The submission's name in results (default: the folder's name). */
  name?: string;
}

/** Grades every exercise (or one) of a submission folder, one after another. */
export async function gradeSubmission(course: Course, submission: string, options: SubmissionOptions = {}): Promise<SubmissionResult> {
  const folder = resolve(submission);
  if (!existsSync(folder)) throw new Error(`the submission folder ${folder} does not exist`);
  const exercises = options.exercise ? [findExercise(course, options.exercise)] : course.exercises;
  const exercisesDir = submissionExercisesDir(folder);
  const results: ExerciseResult[] = [];
  for (const exercise of exercises) {
    if (options.signal?.aborted) break;
    results.push(await gradeExercise(course, exercise, exercisesDir, options));
  }
  return summarizeSubmission(options.name ?? basename(folder), results);
}
