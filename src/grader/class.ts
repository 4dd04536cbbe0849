/**
 * Grading a whole class: a folder with one subfolder per student, each a
 * submission. Every (student, exercise) pair is one task on the kit's own
 * Pool (unit 04), so at most `size` sandboxes run at once (default
 * os.availableParallelism()); results come back as they finish, for a
 * progress bar, and are gathered into one SubmissionResult per student.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Pool } from '../04-pools/pool.js';
import { compiledEntry } from '../paths.js';
import { checkPositiveInteger } from '../runtime/validate.js';
import { submissionExercisesDir, type GradeOptions } from './grade.js';
import type { GradeJob, GradedJob } from './grade-task.js';
import { findExercise, type Course } from './manifest.js';
import { summarizeSubmission, type ExerciseResult, type SubmissionResult } from './results.js';
import { killRunSandboxes } from './sandbox.js';

export interface ClassOptions extends Pick<GradeOptions, 'testsFrom' | 'limits'> {
  /** Only this exercise. */
  exercise?: string;
  /** Sandboxes at once (default: os.availableParallelism()). */
  size?: number;
  /** Called after each graded (student, exercise) pair. */
  onProgress?: (done: number, total: number, job: GradedJob) => void;
  signal?: AbortSignal;
}

/** The students of a class folder: its subfolders, sorted (dot-folders skipped). */
export function listStudents(classDir: string): string[] {
  if (!existsSync(classDir)) throw new Error(`the class folder ${classDir} does not exist`);
  return readdirSync(classDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort();
}

export async function gradeClass(course: Course, classDir: string, options: ClassOptions = {}): Promise<SubmissionResult[]> {
  const folder = resolve(classDir);
  const students = listStudents(folder);
  const exercises = options.exercise ? [findExercise(course, options.exercise)] : course.exercises;
  const runId = randomUUID();
  // Every work folder of this run goes under one folder, removed at the end even
  // if the grading is interrupted (a terminated pool worker runs no cleanup).
  const workRoot = mkdtempSync(join(tmpdir(), 'course-grader-'));
  const jobs: GradeJob[] = students.flatMap((student) =>
    exercises.map((exercise) => ({
      courseRoot: course.root,
      student,
      exercisesDir: submissionExercisesDir(join(folder, student)),
      exercise: exercise.name,
      options: { testsFrom: options.testsFrom, limits: options.limits, runId, workRoot },
    })),
  );
  const results = new Map<string, Map<string, ExerciseResult>>(students.map((student) => [student, new Map()]));
  try {
    if (jobs.length > 0) await runJobs(jobs, runId, results, options);
  } finally {
    rmSync(workRoot, { recursive: true, force: true, maxRetries: 3 });
  }
  return students.map((student) =>
    summarizeSubmission(
      student,
      exercises.map((exercise) => results.get(student)!.get(exercise.name)!),
    ),
  );
}

/** Grades the jobs on a pool, filling `results`; ends the pool and every sandbox of the run, whatever happens. */
async function runJobs(jobs: GradeJob[], runId: string, results: Map<string, Map<string, ExerciseResult>>, options: ClassOptions): Promise<void> {
  const size = checkPositiveInteger(options.size ?? availableParallelism(), 'size');
  const pool = new Pool({ size: Math.min(size, jobs.length), retries: 0 });
  const onAbort = () => void pool.terminate().finally(() => killRunSandboxes(runId));
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    let done = 0;
    const task = { module: compiledEntry('grader/grade-task.ts'), export: 'gradeTask' };
    for await (const graded of pool.imapUnordered<GradeJob, GradedJob>(task, jobs, { signal: options.signal })) {
      results.get(graded.student)!.set(graded.exercise, graded.result);
      options.onProgress?.(++done, jobs.length, graded);
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await pool.terminate();
    killRunSandboxes(runId);
  }
}

/** A one-line progress bar: `[#####-----] 12/40 alice/crawler`. */
export function progressBar(done: number, total: number, label: string, width = 24): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} ${label}`;
}
