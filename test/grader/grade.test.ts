import assert from 'node:assert/strict';
import { gradeExercise, gradeSubmission, interpret, limitsOf } from '../../src/grader/grade.js';
import { scanTests } from '../../src/grader/test-scan.js';
import { findExercise } from '../../src/grader/manifest.js';
import type { ExerciseResult } from '../../src/grader/results.js';
import { fixtureCourse, scratch, writeSubmission } from './helpers.js';

/** Every field of Exercism's results.json v3 (plus points), with the right types. */
function assertResultShape(result: ExerciseResult): void {
  assert.equal(result.version, 3);
  assert.ok(['pass', 'fail', 'error'].includes(result.status));
  assert.ok(result.message === null || typeof result.message === 'string');
  assert.ok(Array.isArray(result.tests));
  for (const test of result.tests) {
    assert.equal(typeof test.name, 'string');
    assert.ok(['pass', 'fail', 'error'].includes(test.status));
    assert.ok(test.message === null || (typeof test.message === 'string' && test.message.length <= 500));
    assert.ok(test.output === null || (typeof test.output === 'string' && test.output.length <= 500));
    assert.ok(test.test_code === undefined || typeof test.test_code === 'string');
    assert.equal(typeof test.points, 'number');
    assert.equal(typeof test.maxPoints, 'number');
  }
  assert.equal(typeof result.points, 'number');
  assert.equal(typeof result.maxPoints, 'number');
  assert.ok(result.score >= 0 && result.score <= 1);
  assert.doesNotThrow(() => JSON.parse(JSON.stringify(result)));
}

describe('grader: grading a submission', () => {
  it('gives the solution every point, hidden tests included', async () => {
    const course = fixtureCourse();
    const result = await gradeSubmission(course, course.solutionsDir, { name: 'solution' });
    assert.equal(result.status, 'pass', JSON.stringify(result, null, 2));
    assert.equal(result.points, 12);
    assert.equal(result.maxPoints, 12);
    assert.equal(result.score, 1);
    const sum = result.exercises[0];
    assertResultShape(sum);
    assert.deepEqual(
      sum.tests.map((test) => [test.name, test.points, test.hidden]),
      [
        ['sum adds a few numbers', 2, false],
        ['sum is 0 for an empty list', 1, false],
        ['sum handles negative numbers', 3, true],
        ['sumLater resolves to the sum', 2, false],
      ],
    );
    assert.ok(sum.tests[0].test_code?.includes('sum([1, 2, 3])'), 'visible tests carry their code');
    assert.equal(sum.tests[2].test_code, undefined, 'hidden tests do not');
  });

  it('fails the generated starter, with the stub message, and runs the hidden tests too', async () => {
    const course = fixtureCourse();
    const result = await gradeSubmission(course, course.root, { exercise: 'sum-list' });
    const [sum] = result.exercises;
    assertResultShape(sum);
    assert.equal(sum.status, 'fail');
    assert.equal(sum.points, 0);
    assert.equal(sum.maxPoints, 8);
    assert.equal(sum.tests.length, 4);
    assert.match(sum.tests[0].message ?? '', /Not implemented yet: sum-list/);
    // The last test ran after a hidden one: what it says is withheld unless the instructor asks.
    assert.match(sum.tests[3].message ?? '', /withheld: it ran after a hidden test/);
    const revealed = await gradeSubmission(course, course.root, { exercise: 'sum-list', revealHidden: true });
    assert.match(revealed.exercises[0].tests[3].message ?? '', /-1 !== 9/);
  });

  it('reports type errors as the result, status "error", before any test runs', async () => {
    const course = fixtureCourse();
    const work = scratch();
    try {
      writeSubmission(
        work.path,
        'sum-list',
        'sum.ts',
        "export function sum(xs: number[]): number {\n  return xs.join('+');\n}\nexport async function sumLater(xs: number[]): Promise<number> {\n  console.log('never printed');\n  return sum(xs);\n}\n",
      );
      const result = await gradeExercise(course, findExercise(course, 'sum-list'), work.path + '/exercises');
      assertResultShape(result);
      assert.equal(result.status, 'error');
      assert.match(
        result.message ?? '',
        /^type errors \(the tests did not run\):\nsum\.ts\(2,3\): error TS2322: Type 'string' is not assignable to type 'number'/,
      );
      assert.deepEqual(result.tests, []);
      assert.equal(result.points, 0);
      assert.equal(result.maxPoints, 8, 'the points at stake come from the test file itself');
    } finally {
      work.remove();
    }
  });

  it('says which file is missing, and names the known exercises for an unknown one', async () => {
    const course = fixtureCourse();
    const work = scratch();
    try {
      const result = await gradeSubmission(course, work.path, { exercise: 'shared-counter' });
      assert.equal(result.exercises[0].status, 'error');
      assert.equal(result.exercises[0].message, 'missing from the submission: 00-basics/shared-counter/counter.ts');
      await assert.rejects(gradeSubmission(course, work.path, { exercise: 'sum' }), {
        message: 'unknown exercise "sum"; the exercises are: sum-list, shared-counter',
      });
    } finally {
      work.remove();
    }
  });

  it('grades with the visible tests only when asked (as a student does)', async () => {
    const course = fixtureCourse();
    const result = await gradeSubmission(course, course.solutionsDir, { exercise: 'sum-list', testsFrom: 'exercises' });
    assert.equal(result.exercises[0].status, 'pass');
    assert.equal(result.exercises[0].maxPoints, 5);
    assert.ok(result.exercises[0].tests.every((test) => !test.hidden));
  });

  it('believes no result reported twice under one title, and counts only the tests of the plan', () => {
    const course = fixtureCourse();
    const exercise = findExercise(course, 'sum-list');
    const source = "describe('sum', () => {\n  it('adds [2 pts]', () => {});\n  it('is 0 for nothing', () => {});\n});\n";
    const test = (fullTitle: string, state: 'passed' | 'failed') => ({
      type: 'test' as const,
      fullTitle,
      title: fullTitle,
      state,
      output: '',
      durationMs: 1,
    });
    const outcome = {
      events: [
        test('sum adds [2 pts]', 'failed'),
        test('sum adds [2 pts]', 'passed'),
        test('sum is 0 for nothing', 'passed'),
        test('an extra test [50 pts]', 'passed'),
        { type: 'end' as const, passed: 3, failed: 1, pending: 0 },
      ],
      rejectedLines: 0,
      exitCode: 0,
      signal: null,
      heapExhausted: false,
      output: '',
      outputBytes: 0,
      durationMs: 10,
      leftoverProcesses: 0,
    };
    const result = interpret(exercise, outcome, scanTests(source, 'sum.test.ts'), 10, limitsOf(exercise));
    assert.deepEqual(
      result.tests.map((t) => [t.name, t.status, t.points]),
      [
        ['sum adds', 'fail', 0],
        ['sum is 0 for nothing', 'pass', 1],
      ],
    );
    assert.equal(result.maxPoints, 3);
    assert.match(result.tests[0].message ?? '', /reported twice/);
  });
});
