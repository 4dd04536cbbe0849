/**
 * Ctrl-C during class grading: the sandboxes run in their own process groups
 * (so the terminal's SIGINT does not reach them), so the grader must end them
 * itself, and still write what it graded. The leftovers harness checks that
 * nothing the grading started lives on.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { processTree } from '../../src/engine/process-tree.js';
import { compiledEntry } from '../../src/paths.js';
import { fixtureCourseRoot, scratch, submissions } from './helpers.js';

describe('grader: interrupting a class grading', () => {
  it('Ctrl-C (SIGINT) stops the grading and every sandbox with it (exit code 130)', async () => {
    const work = scratch();
    let child: ReturnType<typeof spawn> | undefined;
    try {
      for (const student of ['dan', 'eve']) cpSync(join(submissions, 'infinite-loop'), join(work.path, student), { recursive: true });
      child = spawn(
        process.execPath,
        [
          compiledEntry('grader/cli/grade.ts'),
          work.path,
          '--root',
          fixtureCourseRoot,
          '--exercise',
          'sum-list',
          '--gradebook',
          join(work.path, 'gradebook.csv'),
        ],
        {
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      let stderr = '';
      child.stderr!.on('data', (chunk) => (stderr += chunk));
      const running = child;
      const exited = new Promise<number | null>((resolve) => running.on('exit', (code) => resolve(code)));
      // Wait (at most 30 s) until a sandbox runs, then press Ctrl-C.
      const deadline = Date.now() + 30_000;
      const sandboxRunning = () =>
        processTree(running.pid!).some((info) => {
          try {
            return readFileSync(`/proc/${info.pid}/cmdline`, 'latin1').includes('test-process');
          } catch {
            return false;
          }
        });
      while (!sandboxRunning() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      assert.ok(sandboxRunning(), 'a sandbox started');
      child.kill('SIGINT');
      assert.equal(await exited, 130, stderr);
      assert.match(stderr, /SIGINT: stopping the sandboxes; what was graded is still written/);
      // What was graded is written, and what was not says so.
      const gradebook = readFileSync(join(work.path, 'gradebook.csv'), 'utf8');
      assert.match(gradebook, /^student,sum-list,total,notes$/m);
      assert.match(gradebook, /not graded: the grading was interrupted/);
      // The leftovers harness now checks that no sandbox (nor anything it started) is alive.
    } finally {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      work.remove();
    }
  });
});
