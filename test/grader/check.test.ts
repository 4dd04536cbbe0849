import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { check } from '../../src/grader/check.js';
import { fixtureCourseRoot } from './helpers.js';

describe('grader: check() for notebooks', () => {
  it("grades the student's copy with its visible tests, prints one line, and names unknown exercises", async () => {
    const logged: string[] = [];
    const original = console.log;
    console.log = (...args: unknown[]) => void logged.push(args.join(' '));
    let result;
    try {
      result = await check('sum-list', { root: fixtureCourseRoot });
    } finally {
      console.log = original;
    }
    assert.equal(result.status, 'fail');
    assert.equal(result.maxPoints, 5, 'visible tests only');
    assert.equal(inspect(result), 'sum-list: fail, 0/5 points');
    assert.match(
      logged.join('\n'),
      /^sum-list: fail 0\/5\n {2}FAIL sum adds a few numbers/,
      'outside a notebook the table is printed as text',
    );
    await assert.rejects(
      check('nope', { root: fixtureCourseRoot }),
      /unknown exercise "nope"; the exercises are: sum-list, shared-counter/,
    );
  });
});
