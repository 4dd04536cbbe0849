/**
 * Generates the student copies (`exercises/<unit>/<name>/`) from the
 * instructor's solutions (`solutions/<unit>/<name>/`), the way nbgrader builds
 * its release version: every SOLUTION region becomes a stub, every HIDDEN
 * TESTS region disappears (markers.ts), README.md and other files are copied.
 *
 * The output depends only on the input (sorted file order, "\n" line endings),
 * so the student copies can be committed and `--check` can tell when one is
 * stale: `npm run exercises:generate -- --check` fails if a committed starter
 * differs from what generation produces.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { exerciseFolder, type Course, type ExerciseSpec } from './manifest.js';
import { findRegions, hasMarkers, toStarter } from './markers.js';

/** Files whose markers are processed; anything else is copied byte for byte. */
const codeFile = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;

/** Every file under `folder`, as sorted relative paths with "/" (dot-files and node_modules skipped). */
export function listFiles(folder: string): string[] {
  const found: string[] = [];
  const walk = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) found.push(relative(folder, path).split(sep).join('/'));
    }
  };
  if (existsSync(folder)) walk(folder);
  return found.sort();
}

/** The student copy of one exercise: relative path → contents. Throws on a malformed solution. */
export function starterFiles(course: Course, exercise: ExerciseSpec): Map<string, Buffer> {
  const source = exerciseFolder(course, 'solutions', exercise);
  if (!existsSync(source)) throw new Error(`exercise "${exercise.name}": the solution folder ${source} does not exist`);
  const present = new Set(listFiles(source));
  for (const needed of ['README.md', ...exercise.files, exercise.tests]) {
    if (!present.has(needed)) throw new Error(`exercise "${exercise.name}": ${join(source, needed)} is missing`);
  }
  const output = new Map<string, Buffer>();
  for (const file of present) {
    const bytes = readFileSync(join(source, file));
    if (!codeFile.test(file)) {
      output.set(file, bytes);
      continue;
    }
    const where = join(source, file);
    const text = bytes.toString('utf8');
    if (exercise.files.includes(file) && findRegions(text, where).solution.length === 0) {
      throw new Error(`${where} has no "// BEGIN SOLUTION" region: its starter would hold the whole answer`);
    }
    const starter = toStarter(text, where, exercise.name);
    if (hasMarkers(starter)) throw new Error(`${where}: a marker survived generation (is one indented inside a string?)`);
    output.set(file, Buffer.from(starter, 'utf8'));
  }
  return output;
}

export interface GenerationReport {
  /** Files (relative to the course root) written because they were missing or different. */
  written: string[];
  /** Files already up to date. */
  unchanged: string[];
  /** In check mode: files missing or different from what generation produces. */
  stale: string[];
  /** Files in a generated exercise folder that generation does not produce (never deleted). */
  extra: string[];
}

/**
 * Writes (or, with `check`, only compares) every exercise's student copy.
 * Exercises may be limited to some names.
 */
export function generateExercises(course: Course, options: { check?: boolean; only?: string[] } = {}): GenerationReport {
  const report: GenerationReport = { written: [], unchanged: [], stale: [], extra: [] };
  const exercises = options.only ? course.exercises.filter((exercise) => options.only!.includes(exercise.name)) : course.exercises;
  for (const exercise of exercises) {
    const target = exerciseFolder(course, 'exercises', exercise);
    const files = starterFiles(course, exercise);
    for (const [file, contents] of files) {
      const path = join(target, file);
      const shown = relative(course.root, path);
      const current = existsSync(path) && statSync(path).isFile() ? readFileSync(path) : undefined;
      if (current && current.equals(contents)) {
        report.unchanged.push(shown);
      } else if (options.check) {
        report.stale.push(shown);
      } else {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, contents);
        report.written.push(shown);
      }
    }
    for (const file of listFiles(target)) {
      if (!files.has(file)) report.extra.push(relative(course.root, join(target, file)));
    }
  }
  return report;
}
