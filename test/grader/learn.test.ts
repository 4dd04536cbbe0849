import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LearnSession, loadProgress } from '../../src/grader/learn.js';
import { compiledEntry } from '../../src/paths.js';
import { copyCourse, scratch } from './helpers.js';

describe('grader: npm run learn', () => {
  it('without a terminal: runs the current exercise once, prints progress and status, exit 1 while it fails', () => {
    const work = scratch();
    try {
      copyCourse(work.path);
      const result = spawnSync(process.execPath, [compiledEntry('grader/cli/learn.ts'), '--root', work.path], {
        encoding: 'utf8',
        timeout: 30_000,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      assert.equal(result.status, 1, result.stdout + result.stderr);
      assert.match(result.stdout, /\[-+\] 0\/2 done/);
      assert.match(result.stdout, /Exercise 1\/2: Sum a list, now and later \(sum-list\)/);
      assert.match(result.stdout, /FAIL sum adds a few numbers \[0\/2\]\n\s+Not implemented yet: sum-list/);
      assert.doesNotMatch(result.stdout, /negative numbers/, 'a student runs the visible tests only');
      assert.match(result.stdout, /Not yet\./);
    } finally {
      work.remove();
    }
  });

  it('a session: hints one by one, a pass recorded in the progress file, then the next exercise', async () => {
    const work = scratch();
    try {
      const course = copyCourse(work.path);
      const progressPath = join(work.path, 'progress.json');
      let printed = '';
      const session = new LearnSession({ course, progressPath, write: (text) => (printed += text) });
      assert.equal(session.current?.name, 'sum-list');
      assert.equal(session.hint(), 'Hint 1/3: Start with a loop.');
      await session.key('h');
      assert.match(printed, /Hint 2\/3: Array.prototype.reduce does it in one line\./);
      assert.equal(session.hint(), 'Hint 3/3: sumLater can await sum.');
      assert.equal(session.hint(), 'Hint 3/3: sumLater can await sum.', 'the last hint stays');

      // The student writes the answer and saves: the tests pass.
      copyFileSync(join(course.solutionsDir, '00-basics/sum-list/sum.ts'), join(course.exercisesDir, '00-basics/sum-list/sum.ts'));
      const result = await session.runCurrent();
      assert.equal(result?.status, 'pass');
      assert.match(printed, /✓ sum-list passes/);
      assert.deepEqual(loadProgress(progressPath).done, ['sum-list']);
      assert.equal(loadProgress(progressPath).hintsShown['sum-list'], 3);
      assert.equal(session.current?.name, 'sum-list', 'a passed exercise stays current until "n"');
      assert.equal(session.next()?.name, 'shared-counter');
      assert.equal(session.next(), undefined, 'nothing after the last exercise');
      assert.equal(await session.key('q'), 'quit');
      // A new session picks the saved progress up.
      const again = new LearnSession({ course, progressPath, write: () => {} });
      assert.deepEqual(again.progress.done, ['sum-list']);
      assert.ok(readFileSync(progressPath, 'utf8').endsWith('\n'));
    } finally {
      work.remove();
    }
  });
});
