/**
 * One unit of class grading, as a pool task: one student's one exercise. The
 * pool's worker threads import this module and call `gradeTask`; the sandbox
 * it starts is a child process of that worker. It never throws: a problem of
 * the grader itself (a missing test file...) becomes an "error" result, so one
 * broken job does not stop a whole class.
 */
import { gradeExercise, type GradeOptions } from './grade.js';
import { findExercise, loadCourse } from './manifest.js';
import type { ExerciseResult } from './results.js';

export interface GradeJob {
  courseRoot: string;
  /** The student's name (their folder's). */
  student: string;
  /** The folder holding the student's `<unit>/<name>/` folders. */
  exercisesDir: string;
  exercise: string;
  options: Pick<GradeOptions, 'testsFrom' | 'limits' | 'runId' | 'workRoot'>;
}

export interface GradedJob {
  student: string;
  exercise: string;
  result: ExerciseResult;
}

export async function gradeTask(job: GradeJob): Promise<GradedJob> {
  const started = performance.now();
  const course = loadCourse(job.courseRoot);
  const exercise = findExercise(course, job.exercise);
  try {
    return { student: job.student, exercise: job.exercise, result: await gradeExercise(course, exercise, job.exercisesDir, job.options) };
  } catch (error) {
    const result: ExerciseResult = {
      version: 3,
      exercise: exercise.name,
      title: exercise.title,
      status: 'error',
      message: `the grader could not grade this exercise: ${(error as Error).message}`,
      tests: [],
      points: 0,
      maxPoints: 0,
      score: 0,
      durationMs: Math.round(performance.now() - started),
    };
    return { student: job.student, exercise: job.exercise, result };
  }
}
