/**
 * The exercise manifest, `exercises/manifest.json`: the list of exercises in
 * course order, with what the grader needs to run each one (files, test file,
 * limits, permissions) and the staged hints `npm run learn` shows.
 *
 * A "course root" is a folder holding `exercises/manifest.json`, the student
 * copies in `exercises/<unit>/<name>/` and, on the instructor's side only, the
 * solutions in `solutions/<unit>/<name>/`. The kit itself is one; the grader's
 * tests use a small one under test/fixtures/grader/.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeValue } from '../engine/validate.js';

export interface ExerciseSpec {
  /** Unique, used on the command line: `--exercise crawler`. */
  name: string;
  /** The unit folder, e.g. "01-threads-vs-async". */
  unit: string;
  title: string;
  /** 1 (warm-up) to 3 (hard). */
  difficulty: number;
  /** The files the student writes, relative to the exercise folder. */
  files: string[];
  /** The test file (mocha's interface), relative to the exercise folder. */
  tests: string;
  /** Hard bound on the whole test run, in seconds. */
  timeLimitSeconds: number;
  /** Heap limit of the test process (and each of its workers), in MB. */
  memoryMb: number;
  /** Whether the code may start worker threads (Node's permission model denies it otherwise). */
  needsWorkers: boolean;
  /** Whether the code may start child processes. */
  needsChildProcesses: boolean;
  /** Staged hints, from a nudge to nearly the answer. */
  hints: string[];
}

export interface Course {
  root: string;
  manifestPath: string;
  exercisesDir: string;
  solutionsDir: string;
  exercises: ExerciseSpec[];
}

const simpleName = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const relativeFile = /^(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9._/-]+$/;

function fail(where: string, message: string): never {
  throw new Error(`${where}: ${message}`);
}

function field<T>(
  entry: Record<string, unknown>,
  key: string,
  where: string,
  check: (value: unknown) => value is T,
  expected: string,
  fallback?: T,
): T {
  const value = entry[key];
  if (value === undefined && fallback !== undefined) return fallback;
  if (!check(value)) fail(where, `"${key}" must be ${expected}, got ${describeValue(value)}`);
  return value;
}

const isString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean';
const isPositive = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value > 0;
const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');

/** Checks one manifest entry and fills in the defaults. */
export function parseExercise(raw: unknown, where: string): ExerciseSpec {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    fail(where, `an exercise must be an object, got ${describeValue(raw)}`);
  const entry = raw as Record<string, unknown>;
  const name = field(entry, 'name', where, isString, 'a non-empty string');
  const at = `${where} ("${name}")`;
  if (!simpleName.test(name)) fail(at, `"name" may hold only letters, digits, ".", "_" and "-"`);
  const unit = field(entry, 'unit', at, isString, 'a non-empty string');
  if (!simpleName.test(unit)) fail(at, `"unit" must be a folder name such as "01-threads-vs-async"`);
  const files = field(entry, 'files', at, isStringArray, 'an array of file names');
  if (files.length === 0) fail(at, '"files" must list at least one file the student writes');
  const tests = field(entry, 'tests', at, isString, 'the test file name');
  for (const file of [...files, tests]) {
    if (!relativeFile.test(file)) fail(at, `${JSON.stringify(file)} must be a path inside the exercise folder (no "..")`);
    if (!file.endsWith('.ts')) fail(at, `${JSON.stringify(file)} must be a TypeScript file (.ts)`);
  }
  if (files.includes(tests)) fail(at, `the test file ${tests} cannot also be a student file`);
  const difficulty = field(entry, 'difficulty', at, isPositive, 'a number from 1 to 3', 1);
  return {
    name,
    unit,
    title: field(entry, 'title', at, isString, 'a non-empty string', name),
    difficulty,
    files,
    tests,
    timeLimitSeconds: field(entry, 'timeLimitSeconds', at, isPositive, 'a positive number of seconds', 30),
    memoryMb: field(entry, 'memoryMb', at, isPositive, 'a positive number of MB', 256),
    needsWorkers: field(entry, 'needsWorkers', at, isBoolean, 'true or false', false),
    needsChildProcesses: field(entry, 'needsChildProcesses', at, isBoolean, 'true or false', false),
    hints: field(entry, 'hints', at, isStringArray, 'an array of strings', []),
  };
}

/** Reads and checks `<root>/exercises/manifest.json`. A missing manifest is an empty course. */
export function loadCourse(root: string): Course {
  const manifestPath = join(root, 'exercises', 'manifest.json');
  const course: Course = {
    root,
    manifestPath,
    exercisesDir: join(root, 'exercises'),
    solutionsDir: join(root, 'solutions'),
    exercises: [],
  };
  if (!existsSync(manifestPath)) return course;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (error) {
    throw new Error(`${manifestPath} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const list = (parsed as { exercises?: unknown })?.exercises;
  if (!Array.isArray(list)) fail(manifestPath, 'must hold an object { "exercises": [ ... ] }');
  course.exercises = list.map((raw, index) => parseExercise(raw, `${manifestPath} exercises[${index}]`));
  const seen = new Set<string>();
  for (const exercise of course.exercises) {
    if (seen.has(exercise.name)) fail(manifestPath, `two exercises are named "${exercise.name}"`);
    seen.add(exercise.name);
  }
  return course;
}

/** The exercise called `name`; an unknown name is an error listing the known ones. */
export function findExercise(course: Course, name: string): ExerciseSpec {
  const found = course.exercises.find((exercise) => exercise.name === name);
  if (found) return found;
  const known = course.exercises.map((exercise) => exercise.name);
  throw new Error(
    `unknown exercise "${name}"; ` +
      (known.length > 0 ? `the exercises are: ${known.join(', ')}` : `${course.manifestPath} lists no exercises`),
  );
}

/** `<root>/<side>/<unit>/<name>`, where side is "exercises" or "solutions". */
export function exerciseFolder(course: Course, side: 'exercises' | 'solutions', exercise: ExerciseSpec): string {
  return join(side === 'exercises' ? course.exercisesDir : course.solutionsDir, exercise.unit, exercise.name);
}
