/**
 * Grading a whole class: a folder with one subfolder per student, each a
 * submission. Every (student, exercise) pair is one job; `size` jobs run at
 * once (p-limit), each with a type checker of its own slot kept warm, and the
 * heavy parts of a job (the type check, the tests) run in child processes.
 * So a job that crashes, whatever crashes, costs that exercise of that student
 * only: it becomes a "grader error" result, and the class is still reported.
 *
 * Interrupted (the signal aborts), it stops starting jobs, ends the sandboxes
 * running, and returns what was graded; the rest is marked as not graded.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import pLimit from 'p-limit';
import { checkPositiveInteger } from '../engine/validate.js';
import { gradeExercise, graderError, type GradeOptions } from './grade.js';
import { findExercise, type Course, type ExerciseSpec } from './manifest.js';
import { summarizeSubmission, type ExerciseResult, type SubmissionResult } from './results.js';
import { chooseIsolation, killRunSandboxes } from './sandbox/launch.js';
import { exercisesFolderOf } from './submission.js';
import { TypeCheckService } from './typecheck/service.js';

export interface ClassOptions extends Pick<GradeOptions, 'testsFrom' | 'limits' | 'typeCheckLimits' | 'isolation' | 'revealHidden'> {
  /** Only this exercise. */
  exercise?: string;
  /** Jobs at once (default: os.availableParallelism()). */
  size?: number;
  /** Called after each graded (student, exercise) pair. */
  onProgress?: (done: number, total: number, job: GradedJob) => void;
  signal?: AbortSignal;
  /** For the grader's own tests: grades one job (default gradeExercise). */
  gradeJob?: typeof gradeExercise;
}

export interface GradedJob {
  student: string;
  exercise: string;
  result: ExerciseResult;
}

/** The sentence an exercise the grading never reached carries. */
export const NOT_GRADED = 'not graded: the grading was interrupted';

/** The students of a class folder: its subfolders (and links in their place, which are refused), sorted, dot-folders skipped. */
export function listStudents(classDir: string): string[] {
  if (!existsSync(classDir)) throw new Error(`the class folder ${classDir} does not exist`);
  return readdirSync(classDir, { withFileTypes: true })
    .filter((entry) => (entry.isDirectory() || entry.isSymbolicLink()) && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort();
}

function notGraded(exercise: ExerciseSpec, message: string): ExerciseResult {
  return {
    version: 3,
    exercise: exercise.name,
    title: exercise.title,
    status: 'error',
    message,
    tests: [],
    points: 0,
    maxPoints: 0,
    score: 0,
    durationMs: 0,
  };
}

export async function gradeClass(course: Course, classDir: string, options: ClassOptions = {}): Promise<SubmissionResult[]> {
  const folder = resolve(classDir);
  const students = listStudents(folder);
  const exercises = options.exercise ? [findExercise(course, options.exercise)] : course.exercises;
  const size = checkPositiveInteger(options.size ?? availableParallelism(), 'size');
  const { isolation } = chooseIsolation(options.isolation ?? 'os');
  const runId = randomUUID();
  const grade = options.gradeJob ?? gradeExercise;
  const results = new Map<string, Map<string, ExerciseResult>>(students.map((student) => [student, new Map()]));
  const jobs = students.flatMap((student) => exercises.map((exercise) => ({ student, exercise })));

  // One warm type checker per slot: a job takes a free one and gives it back.
  const checkers: TypeCheckService[] = [];
  const free: TypeCheckService[] = [];
  const take = () =>
    free.pop() ?? (checkers.push(new TypeCheckService(isolation, options.typeCheckLimits?.memoryMb)), checkers[checkers.length - 1]);

  const onAbort = () => killRunSandboxes(runId);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const limit = pLimit(Math.min(size, Math.max(1, jobs.length)));
  let done = 0;
  try {
    await Promise.all(
      jobs.map(({ student, exercise }) =>
        limit(async () => {
          if (options.signal?.aborted) return;
          const started = performance.now();
          const checker = take();
          let result: ExerciseResult;
          try {
            const submission = join(folder, student);
            const located = lstatSync(submission).isSymbolicLink()
              ? { refused: `${student} is a symbolic link; submit the folder itself` }
              : exercisesFolderOf(submission);
            result =
              'refused' in located
                ? notGraded(exercise, located.refused)
                : await grade(course, exercise, located.folder, { ...options, isolation, typeChecker: checker, runId }, submission);
            if (options.signal?.aborted) return; // cut short: not graded, rather than graded as "canceled"
          } catch (error) {
            if (options.signal?.aborted) return;
            result = graderError(exercise, error, performance.now() - started);
          } finally {
            free.push(checker);
          }
          results.get(student)!.set(exercise.name, result);
          options.onProgress?.(++done, jobs.length, { student, exercise: exercise.name, result });
        }),
      ),
    );
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    limit.clearQueue();
    for (const checker of checkers) checker.close();
    killRunSandboxes(runId);
  }
  return students.map((student) =>
    summarizeSubmission(
      student,
      exercises.map((exercise) => results.get(student)!.get(exercise.name) ?? notGraded(exercise, NOT_GRADED)),
    ),
  );
}

/** A one-line progress bar: `[#####-----] 12/40 alice/crawler`. */
export function progressBar(done: number, total: number, label: string, width = 24): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} ${label}`;
}
