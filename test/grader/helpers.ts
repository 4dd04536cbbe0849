/**
 * Shared by the grader's tests: where the fixtures are, and scratch folders
 * (copies of the fixture course or of submissions) removed after each test.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCourse, type Course } from '../../src/grader/manifest.js';

export const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'grader');
export const fixtureCourseRoot = join(fixtures, 'course');
export const submissions = join(fixtures, 'submissions');

export function fixtureCourse(): Course {
  return loadCourse(fixtureCourseRoot);
}

/** A scratch folder; call `remove()` in a finally. */
export function scratch(prefix = 'grader-test-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A copy of the fixture course (manifest, solutions, exercises) in `folder`. */
export function copyCourse(folder: string): Course {
  cpSync(fixtureCourseRoot, folder, { recursive: true });
  return loadCourse(folder);
}

/** Writes a submission holding one file: `<folder>/exercises/00-basics/<exercise>/<file>`. */
export function writeSubmission(folder: string, exercise: string, file: string, source: string): string {
  const path = join(folder, 'exercises', '00-basics', exercise, file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, source);
  return folder;
}
