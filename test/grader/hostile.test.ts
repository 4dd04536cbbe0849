/**
 * Hostile submissions: each must end in a failing result that says what went
 * wrong, quickly, with nothing left running (the leftovers harness checks
 * every process the sandboxes started, through the marker they inherit).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { gradeSubmission } from '../../src/grader/grade.js';
import type { ExerciseResult } from '../../src/grader/results.js';
import { fixtureCourse, submissions } from './helpers.js';

async function gradeHostile(name: string, exercise: 'sum-list' | 'shared-counter'): Promise<ExerciseResult> {
  const course = fixtureCourse();
  // The fixture manifest's limits: 3 s (sum-list) and 4 s (shared-counter), 64 and 128 MB of heap.
  const result = await gradeSubmission(course, join(submissions, name), { exercise });
  const [graded] = result.exercises;
  assert.notEqual(graded.status, 'pass');
  assert.ok(graded.points < graded.maxPoints);
  return graded;
}

describe('grader: hostile submissions', () => {
  it('an infinite loop: timed out, naming the test that was running', async () => {
    const result = await gradeHostile('infinite-loop', 'sum-list');
    assert.equal(result.status, 'error');
    assert.equal(result.message, 'timed out after 3 s (while running "sum adds a few numbers")');
    assert.equal(result.tests[0].message, 'timed out after 3 s');
    assert.match(result.tests[1].message ?? '', /^not run: timed out/);
    assert.equal(result.maxPoints, 8);
  });

  it('a deadlock (Atomics.wait for ever in a worker): timed out, worker and process killed', async () => {
    const result = await gradeHostile('deadlock', 'shared-counter');
    assert.equal(result.status, 'error');
    assert.match(result.message ?? '', /^timed out after 4 s \(while running "countInWorkers counts with one worker"\)$/);
  });

  it('process.exit() in the code under test: says so; the tests before it keep their points', async () => {
    const result = await gradeHostile('process-exit', 'sum-list');
    assert.equal(result.status, 'error');
    assert.match(result.message ?? '', /called process\.exit\(0\).*\(while running "sum is 0 for an empty list"\)/);
    assert.equal(result.tests[0].status, 'pass');
    assert.equal(result.points, 2);
  });

  it('a throw while the module loads: says so, no test passes', async () => {
    const result = await gradeHostile('import-throws', 'sum-list');
    assert.equal(result.status, 'error');
    assert.equal(result.message, 'the code failed while being loaded: boom at import time');
    assert.equal(result.points, 0);
    assert.equal(result.tests.length, 4, 'the tests at stake are still listed');
  });

  it('megabytes of output: stopped at the output limit, the kept output capped', async () => {
    const result = await gradeHostile('prints-megabytes', 'sum-list');
    assert.equal(result.status, 'error');
    assert.match(result.message ?? '', /^printed more than 1024 KB of output/);
    assert.ok((result.output ?? '').length <= 2000);
    for (const test of result.tests) assert.ok((test.output ?? '').length <= 500);
  });

  it('hundreds of workers: stopped by the thread limit (or the memory they take, whichever the watchdog sees first)', async () => {
    const result = await gradeHostile('worker-bomb', 'shared-counter');
    assert.equal(result.status, 'error');
    assert.match(result.message ?? '', /^(started too many threads \(\d+, the limit is 64\)|ran out of memory|used more than \d+ MB)/);
  });

  it('exhausting memory: stopped at the heap limit, and says so', async () => {
    const result = await gradeHostile('memory-hog', 'sum-list');
    assert.equal(result.status, 'error');
    assert.match(result.message ?? '', /^ran out of memory \(the heap limit is 64 MB\)/);
  });

  it('a detached child process where the exercise allows them: killed when the run ends (nothing left)', async () => {
    const course = fixtureCourse();
    const result = await gradeSubmission(course, join(submissions, 'spawns-child'), {
      exercise: 'sum-list',
      limits: { allowChildProcesses: true },
    });
    assert.equal(result.exercises[0].status, 'pass', 'the sums are right');
    // The leftovers harness fails this test if the `sleep 300` it started is still alive.
  });

  it('a child process where the exercise allows none: denied by the permission model, and says so', async () => {
    const result = await gradeHostile('spawns-child', 'sum-list');
    assert.equal(result.status, 'fail');
    assert.match(result.tests[0].message ?? '', /restricted \(the grader does not allow ChildProcess in this exercise\)/);
  });
});
