/**
 * Grading one exercise of one submission, in the stages Exercism and
 * Otter-Grader use:
 *
 * 1. the plan: the INSTRUCTOR's test file (hidden tests included) is read and
 *    scanned on the grader's side (test-scan.ts); only its tests can earn
 *    points, at the points written there;
 * 2. the student's files, read as data (submission.ts: links are refused);
 * 3. the type check, in its own bounded, sandboxed process
 *    (typecheck/service.ts): type errors, or a check past its limits, are the
 *    result, status "error";
 * 4. the tests, in the sandbox (sandbox/launch.ts), whose judge signs every
 *    event; only signed events count;
 * 5. the events read into a results.json-like result (results.ts): per test
 *    status, message and points; when the run was cut short, why and during
 *    which test. What a hidden test said or printed is withheld unless the
 *    instructor asks (`revealHidden`).
 *
 * A submission is a student's copy of the repository (or of its exercises/
 * folder): `<submission>/exercises/<unit>/<name>/<file>`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { listFiles } from './generate.js';
import { hiddenRanges } from './markers.js';
import { exerciseFolder, findExercise, type Course, type ExerciseSpec } from './manifest.js';
import { capText, type RunnerEvent } from './protocol.js';
import { scoreOf, summarizeSubmission, type ExerciseResult, type Status, type SubmissionResult, type TestResult } from './results.js';
import {
  chooseIsolation,
  formatSeconds,
  runSandbox,
  UNSAFE_NOTE,
  type Isolation,
  type SandboxLimits,
  type SandboxOutcome,
} from './sandbox/launch.js';
import { exercisesFolderOf, readStudentFiles } from './submission.js';
import { scanTests, testFileProblems, withoutPoints, type ScannedTest } from './test-scan.js';
import { DEFAULT_TYPE_CHECK_LIMITS, TypeCheckService } from './typecheck/service.js';
import type { TypeCheckDiagnostic } from './typecheck/server.js';

export interface GradeOptions {
  /**
   * Whose tests run: 'solutions' (the instructor's, with hidden tests) or
   * 'exercises' (the visible ones a student has). Default: 'solutions' when the
   * course has the exercise's solution folder, else 'exercises'.
   */
  testsFrom?: 'solutions' | 'exercises';
  /** Changes to the manifest's limits (tests and benchmarks use short ones). */
  limits?: Partial<SandboxLimits>;
  /** Changes to the type check's limits. */
  typeCheckLimits?: Partial<{ timeLimitSeconds: number; memoryMb: number }>;
  /** 'os' (default): the OS sandbox, or an error where there is none; 'best': without one where there is none; 'none': never. */
  isolation?: 'os' | 'best' | 'none';
  /** The type-check service to use (kept warm across exercises); one is started and closed per call otherwise. */
  typeChecker?: TypeCheckService;
  /** Show what hidden tests said and printed (the instructor's own view). */
  revealHidden?: boolean;
  /** Marks the sandboxes of one grading run (see killRunSandboxes). */
  runId?: string;
  signal?: AbortSignal;
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

/** Packages a compiled test imports (bare specifiers, not node: built-ins, not relative files). */
export function importedPackages(javascript: string): string[] {
  const found = new Set<string>();
  for (const match of javascript.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]/gm)) {
    const specifier = match[1] ?? match[2];
    if (!specifier.startsWith('.') && !specifier.startsWith('/') && !specifier.startsWith('node:')) found.add(specifier);
  }
  return [...found];
}

/**
 * Type errors as the student sees them. A diagnostic inside the hidden tests
 * would show hidden code: it is replaced by a sentence saying a hidden test
 * does not type-check against the submission.
 */
function typeErrorsMessage(diagnostics: TypeCheckDiagnostic[], testFile: string, testSource: string, reveal: boolean): string {
  const hidden = hiddenRanges(testSource, testFile);
  const inHidden = (d: TypeCheckDiagnostic) =>
    d.file === testFile && d.line !== undefined && hidden.some((range) => d.line! > range.beginLine && d.line! < range.endLine);
  const lines = diagnostics.map((d) =>
    inHidden(d) && !reveal ? `${testFile}: a hidden test does not type-check against this code` : d.text,
  );
  return `type errors (the tests did not run):\n${[...new Set(lines)].join('\n')}`;
}

const plans = new Map<string, ScannedTest[]>();

/** The plan of a test file (scanned once per content: a class shares it), or an error when it cannot be planned. */
function planOf(exercise: ExerciseSpec, testSource: string, testsPath: string): ScannedTest[] {
  const key = `${testsPath}\0${testSource}`;
  let plan = plans.get(key);
  if (!plan) {
    const problems = testFileProblems(testSource, exercise.tests);
    if (problems.length > 0) throw new Error(`exercise "${exercise.name}": the test file cannot be planned: ${problems.join('; ')}`);
    plan = scanTests(testSource, testsPath);
    plans.set(key, plan);
  }
  return plan;
}

/** Grades one exercise of the submission whose exercises live in `exercisesDir` (inside the submission folder `root`). */
export async function gradeExercise(
  course: Course,
  exercise: ExerciseSpec,
  exercisesDir: string,
  options: GradeOptions = {},
  root = resolve(exercisesDir, '..'),
): Promise<ExerciseResult> {
  const started = performance.now();
  const instructor = testsFolder(course, exercise, options);
  const testsPath = join(instructor, exercise.tests);
  if (!existsSync(testsPath)) throw new Error(`exercise "${exercise.name}": its test file ${testsPath} does not exist`);
  const testSource = readFileSync(testsPath, 'utf8');
  const scanned = planOf(exercise, testSource, testsPath);
  const elapsed = () => performance.now() - started;

  const student = readStudentFiles(root, exercisesDir, join(exercisesDir, exercise.unit, exercise.name), exercise.files);
  if (student.kind === 'refused') return emptyResult(exercise, 'error', student.message, scanned, elapsed());
  if (student.kind === 'missing')
    return emptyResult(exercise, 'error', `missing from the submission: ${student.missing.join(', ')}`, scanned, elapsed());

  // The instructor's files (tests, helpers), then the student's over them.
  const sources: Record<string, string> = {};
  for (const file of listFiles(instructor)) {
    if (exercise.files.includes(file) || !file.endsWith('.ts')) continue;
    sources[file] = readFileSync(join(instructor, file), 'utf8');
  }
  Object.assign(sources, student.files);

  const { isolation, note } = chooseIsolation(options.isolation ?? 'os');
  const typeCheckLimits = { ...DEFAULT_TYPE_CHECK_LIMITS, ...options.typeCheckLimits };
  const typeChecker = options.typeChecker ?? new TypeCheckService(isolation, typeCheckLimits.memoryMb);
  try {
    const compiled = await typeChecker.check(sources, typeCheckLimits.timeLimitSeconds, options.signal);
    if (!compiled.ok) {
      const message =
        'overLimit' in compiled
          ? compiled.overLimit
          : typeErrorsMessage(compiled.diagnostics, exercise.tests, testSource, options.revealHidden ?? false);
      return marked(emptyResult(exercise, 'error', capText(message, 4000), scanned, elapsed()), isolation, note);
    }
    const testFile = exercise.tests.replace(/\.ts$/, '.js');
    const limits = limitsOf(exercise, options.limits);
    const outcome = await runSandbox({
      files: compiled.outputs,
      testFile,
      packages: importedPackages(compiled.outputs[testFile] ?? ''),
      limits,
      isolation,
      runId: options.runId,
      signal: options.signal,
    });
    const result = interpret(exercise, outcome, scanned, elapsed(), limits, options.revealHidden ?? false);
    result.timings = { compileMs: Math.round(compiled.durationMs), testMs: Math.round(outcome.durationMs) };
    return marked(result, isolation, note);
  } finally {
    if (!options.typeChecker) typeChecker.close();
  }
}

/** Results graded without the OS sandbox say so, in their message and a field of their own. */
function marked(result: ExerciseResult, isolation: Isolation, note: string | undefined): ExerciseResult {
  if (isolation === 'os') return result;
  result.sandbox = note ?? UNSAFE_NOTE;
  return result;
}

/** Why a run that did not reach its end stopped, in one sentence (or undefined if it ended normally). */
function whyStopped(outcome: SandboxOutcome, limits: SandboxLimits, events: RunnerEvent[], showOutput: boolean): string | undefined {
  const exit = events.find((event) => event.type === 'exit-called');
  const loadError = events.find((event) => event.type === 'load-error');
  const ended = events.some((event) => event.type === 'end');
  if (outcome.heapExhausted) return `ran out of memory (the heap limit is ${limits.memoryMb} MB)`;
  const flood = events.find((event) => event.type === 'output-limit');
  if (flood && flood.type === 'output-limit')
    return `printed more than ${Math.round((limits.outputLimitBytes ?? 1024 * 1024) / 1024)} KB of output`;
  if (outcome.stopped) {
    return outcome.stopped.reason === 'timeout' ? `timed out after ${formatSeconds(limits.timeLimitMs)}` : outcome.stopped.detail;
  }
  if (loadError && loadError.type === 'load-error') return `the code failed while being loaded: ${loadError.message}`;
  if (exit && exit.type === 'exit-called') {
    return `the code under test called process.exit(${exit.code ?? ''}); the tests cannot go on after that`;
  }
  if (!ended) {
    const how = outcome.signal ? `was killed by ${outcome.signal}` : `exited with code ${outcome.exitCode}`;
    const firstError = showOutput ? /^\s*(\w*Error\b.*)$/m.exec(outcome.output)?.[1] : undefined;
    return `the test process ${how} before the tests finished${firstError ? `: ${capText(firstError, 300)}` : ''}`;
  }
  return undefined;
}

const HIDDEN_FAILED = 'a hidden test failed (its message is shown to the instructor only)';
const AFTER_HIDDEN = 'failed (its message is withheld: it ran after a hidden test, whose details the code under test may repeat)';
const HIDDEN_OUTPUT = 'output withheld: a hidden test was running';

/**
 * Turns what the judge signed into a result. The plan is the scan of the
 * instructor's test file: a test earns its points only with a signed "passed"
 * under its exact full title.
 */
export function interpret(
  exercise: ExerciseSpec,
  outcome: SandboxOutcome,
  scanned: ScannedTest[],
  durationMs: number,
  limits: SandboxLimits,
  revealHidden = false,
): ExerciseResult {
  const events = outcome.events;
  const reported = new Map<string, Extract<RunnerEvent, { type: 'test' }>>();
  let running: string | undefined;
  const twice = new Set<string>();
  const startOrder: string[] = [];
  for (const event of events) {
    if (event.type === 'test-start') {
      running = event.fullTitle;
      startOrder.push(event.fullTitle);
    }
    if (event.type === 'test') {
      // Two results under one title cannot both be the plan's test: neither is believed.
      if (reported.has(event.fullTitle)) twice.add(event.fullTitle);
      reported.set(event.fullTitle, event);
      if (running === event.fullTitle) running = undefined;
    }
    if ((event.type === 'exit-called' || event.type === 'output-limit') && event.during) running = event.during;
  }
  // Once a hidden test has started, the code under test may have seen it, and anything it says or
  // prints from then on (in a hidden test or a later visible one) is kept from the student.
  const hiddenTitles = new Set(scanned.filter((test) => test.hidden).map((test) => test.fullTitle));
  const firstHidden = startOrder.findIndex((title) => hiddenTitles.has(title));
  const afterHidden = new Set(firstHidden < 0 || revealHidden ? [] : startOrder.slice(firstHidden));
  const showRunOutput = revealHidden || firstHidden < 0;
  const hookFailures = events.filter((event) => event.type === 'hook-failed');
  const stopReason = whyStopped(outcome, limits, events, showRunOutput);

  const tests: TestResult[] = [];
  for (const test of scanned) {
    const report = reported.get(test.fullTitle);
    if (report?.state === 'pending') continue; // skipped tests count for nothing
    const withhold = (test.hidden && !revealHidden) || afterHidden.has(test.fullTitle);
    let status: Status;
    let message: string | null;
    if (report && twice.has(test.fullTitle)) {
      status = 'fail';
      message = 'reported twice: the code under test may have added a test of the same name';
    } else if (report) {
      status = report.state === 'passed' ? 'pass' : 'fail';
      message = status === 'fail' && withhold ? (test.hidden ? HIDDEN_FAILED : AFTER_HIDDEN) : (report.message ?? null);
    } else if (test.fullTitle === running && stopReason) {
      status = 'error';
      message = stopReason;
    } else {
      status = 'error';
      const hook = hookFailures[0];
      message = stopReason
        ? `not run: ${stopReason}`
        : hook && hook.type === 'hook-failed'
          ? `not run: ${hook.title} failed${withhold ? '' : `: ${hook.message}`}`
          : 'not run';
    }
    tests.push({
      name: withoutPoints(test.fullTitle),
      status,
      message: message === null ? null : capText(message),
      output: report?.output && !withhold ? capText(report.output) : null,
      ...(test.hidden ? {} : { test_code: capText(test.code, 2000) }),
      points: status === 'pass' ? test.points : 0,
      maxPoints: test.points,
      hidden: test.hidden,
    });
  }

  const points = tests.reduce((sum, test) => sum + test.points, 0);
  const maxPoints = scanned.reduce((sum, test) => sum + test.points, 0);
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
  if (outcome.rejectedLines > 0) {
    const forged = `${outcome.rejectedLines} line(s) on the report channel did not come from the grader and were ignored`;
    message = message ? `${message}; ${forged}` : forged;
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
  if (status === 'error' && outcome.output.trim()) result.output = showRunOutput ? capText(outcome.output.trim(), 2000) : HIDDEN_OUTPUT;
  return result;
}

export interface SubmissionOptions extends GradeOptions {
  /** Only this exercise (an unknown name is an error listing the known ones). */
  exercise?: string;
  /** The submission's name in results (default: the folder's name). */
  name?: string;
}

/** A result for an exercise the grader could not grade, marked as the grader's error (never the student's points). */
export function graderError(exercise: ExerciseSpec, error: unknown, durationMs = 0): ExerciseResult {
  return {
    version: 3,
    exercise: exercise.name,
    title: exercise.title,
    status: 'error',
    message: capText(`grader error: ${(error as Error)?.message ?? String(error)}`, 1000),
    tests: [],
    points: 0,
    maxPoints: 0,
    score: 0,
    durationMs: Math.round(durationMs),
  };
}

/** Grades every exercise (or one) of a submission folder, one after another, on one warm type checker. */
export async function gradeSubmission(course: Course, submission: string, options: SubmissionOptions = {}): Promise<SubmissionResult> {
  const folder = resolve(submission);
  if (!existsSync(folder)) throw new Error(`the submission folder ${folder} does not exist`);
  const exercises = options.exercise ? [findExercise(course, options.exercise)] : course.exercises;
  const located = exercisesFolderOf(folder);
  const { isolation } = chooseIsolation(options.isolation ?? 'os');
  const typeChecker = options.typeChecker ?? new TypeCheckService(isolation, options.typeCheckLimits?.memoryMb);
  const results: ExerciseResult[] = [];
  try {
    for (const exercise of exercises) {
      if (options.signal?.aborted) break;
      if ('refused' in located) {
        results.push(emptyResult(exercise, 'error', located.refused, scanTests(readTests(course, exercise, options), exercise.tests), 0));
        continue;
      }
      const started = performance.now();
      try {
        results.push(await gradeExercise(course, exercise, located.folder, { ...options, typeChecker }, folder));
      } catch (error) {
        if (options.signal?.aborted) break;
        results.push(graderError(exercise, error, performance.now() - started));
      }
    }
  } finally {
    if (!options.typeChecker) typeChecker.close();
  }
  return summarizeSubmission(options.name ?? basename(folder), results);
}

function readTests(course: Course, exercise: ExerciseSpec, options: GradeOptions): string {
  const path = join(testsFolder(course, exercise, options), exercise.tests);
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}
