/**
 * Every exercise of the course (exercises/manifest.json, whatever it lists,
 * even nothing): its committed starter is exactly what generation produces,
 * its solution passes every test (hidden ones included), and its starter
 * fails at least one, and its test file can be planned from its source. The
 * solutions and starters are graded as a class of two, a job per core.
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gradeClass } from '../../src/grader/class.js';
import { generateExercises } from '../../src/grader/generate.js';
import { loadCourse } from '../../src/grader/manifest.js';
import { exerciseFolder } from '../../src/grader/manifest.js';
import { firstProblem, type SubmissionResult } from '../../src/grader/results.js';
import { testFileProblems } from '../../src/grader/test-scan.js';
import { kitRoot } from '../../src/paths.js';
import { scratch } from './helpers.js';

const course = loadCourse(kitRoot);

describe('grader: every exercise of the course', function () {
  let graded: Map<string, SubmissionResult> | undefined;

  before(async function () {
    if (course.exercises.length === 0) return;
    this.timeout(60_000 + course.exercises.length * 30_000);
    const work = scratch('grader-exercises-');
    try {
      cpSync(course.solutionsDir, join(work.path, 'solution'), { recursive: true });
      cpSync(course.exercisesDir, join(work.path, 'starter'), { recursive: true });
      const results = await gradeClass(course, work.path, { testsFrom: 'solutions' });
      graded = new Map(results.map((result) => [result.submission, result]));
    } finally {
      work.remove();
    }
  });

  it(`the committed starters are what generation produces (${course.exercises.length} exercises)`, () => {
    const report = generateExercises(course, { check: true });
    assert.deepEqual(report.stale, [], 'run npm run exercises:generate');
    assert.deepEqual(report.extra, [], 'files in exercises/<unit>/<name>/ that generation does not produce');
  });

  it('every test file can be planned from its source: literal titles, none twice', () => {
    const problems = course.exercises.flatMap((exercise) =>
      testFileProblems(readFileSync(join(exerciseFolder(course, 'solutions', exercise), exercise.tests), 'utf8'), exercise.tests),
    );
    assert.deepEqual(problems, []);
    // And the check finds what it must.
    assert.deepEqual(
      testFileProblems("const t = 'x';\ndescribe('s', () => { it(t, () => {}); it('a', () => {}); it('a', () => {}); });\n", 'bad.test.ts'),
      [
        'bad.test.ts:2: the title of this it() must be a string literal (the grader plans the tests from the source)',
        'bad.test.ts: two tests are named "s a"; each needs its own title',
      ],
    );
  });

  for (const exercise of course.exercises) {
    it(`${exercise.name}: the solution passes every test, the starter fails at least one`, () => {
      const solution = graded?.get('solution')?.exercises.find((result) => result.exercise === exercise.name);
      const starter = graded?.get('starter')?.exercises.find((result) => result.exercise === exercise.name);
      assert.ok(solution && starter, 'graded');
      assert.equal(solution.status, 'pass', `solution of ${exercise.name}: ${firstProblem(solution)}`);
      assert.equal(solution.points, solution.maxPoints);
      assert.ok(solution.maxPoints > 0, 'the exercise has points to earn');
      assert.notEqual(starter.status, 'pass', `the starter of ${exercise.name} passes every test`);
      assert.ok(starter.points < starter.maxPoints);
      assert.ok(!/^type errors/.test(starter.message ?? ''), `the starter must type-check: ${starter.message}`);
    });
  }
});
