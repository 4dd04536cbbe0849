import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listStudents, progressBar } from '../../src/grader/class.js';
import type { SubmissionResult } from '../../src/grader/results.js';
import { compiledEntry } from '../../src/paths.js';
import { fixtureCourseRoot, scratch, submissions } from './helpers.js';

/** A class of three: alice hands in the solutions, bob the starters, carol an infinite loop (and no counter). */
function makeClass(folder: string): void {
  cpSync(join(fixtureCourseRoot, 'solutions'), join(folder, 'alice', 'exercises'), { recursive: true });
  cpSync(join(fixtureCourseRoot, 'exercises'), join(folder, 'bob', 'exercises'), { recursive: true });
  cpSync(join(submissions, 'infinite-loop'), join(folder, 'carol'), { recursive: true });
}

function runGrade(
  args: string[],
  timeoutMs = 60_000,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [compiledEntry('grader/cli/grade.ts'), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('grader: a class folder', () => {
  it('grades every student, a hostile one included, into a gradebook CSV, JSON and JUnit', async () => {
    const work = scratch();
    try {
      const classDir = join(work.path, 'class');
      makeClass(classDir);
      const out = (name: string) => join(work.path, name);
      const { code, stdout, stderr } = await runGrade([
        classDir,
        '--root',
        fixtureCourseRoot,
        '--gradebook',
        out('gradebook.csv'),
        '--json',
        out('results.json'),
        '--junit',
        out('results.xml'),
        '--jobs',
        '2',
      ]);
      assert.equal(code, 1, stdout + stderr);
      assert.match(stderr, /\[#+\] 6\/6 /, 'a progress bar on stderr');
      assert.equal(
        readFileSync(out('gradebook.csv'), 'utf8'),
        ['student,sum-list,shared-counter,total,notes', '(max points),8,4,12,', 'alice,8,4,12,', 'bob,0,0,0,', 'carol,0,0,0,', ''].join(
          '\n',
        ),
      );
      const json = JSON.parse(readFileSync(out('results.json'), 'utf8')) as { version: number; submissions: SubmissionResult[] };
      assert.equal(json.version, 3);
      assert.deepEqual(
        json.submissions.map((s) => [s.submission, s.status]),
        [
          ['alice', 'pass'],
          ['bob', 'fail'],
          ['carol', 'error'],
        ],
      );
      const carol = json.submissions[2].exercises;
      assert.match(carol[0].message ?? '', /^timed out after 3 s/);
      assert.equal(carol[1].message, 'missing from the submission: exercises/00-basics/shared-counter/counter.ts');
      const xml = readFileSync(out('results.xml'), 'utf8');
      assert.match(xml, /<testsuite name="alice\/sum-list" tests="4" failures="0" errors="0"/);
      assert.match(xml, /<testsuite name="bob\/sum-list" tests="4" failures="4" errors="0"/);
      assert.match(xml, /<error message="timed out after 3 s"\/>/);
      assert.match(stdout, /== alice\n.*\n.*\nsum-list +8\/8 +pass/);
    } finally {
      work.remove();
    }
  });

  it('lists students in folder order (dot-folders skipped) and draws the progress bar', () => {
    const work = scratch();
    try {
      makeClass(work.path);
      mkdirSync(join(work.path, '.git'));
      assert.deepEqual(listStudents(work.path), ['alice', 'bob', 'carol']);
      assert.equal(progressBar(3, 12, 'bob/sum-list', 8), '[##------] 3/12 bob/sum-list');
      assert.throws(() => listStudents(join(work.path, 'nobody')), /the class folder .*nobody does not exist/);
    } finally {
      work.remove();
    }
  });

  it('the command rejects an unknown exercise with the list of names (exit code 2)', () => {
    const result = spawnSync(process.execPath, [compiledEntry('grader/cli/grade.ts'), '--root', fixtureCourseRoot, '--exercise', 'nope'], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(result.status, 2);
    assert.equal(result.stderr.trim(), 'error: unknown exercise "nope"; the exercises are: sum-list, shared-counter');
  });

  it('refuses to grade without an OS sandbox, in one line (exit 2); --unsafe-no-sandbox grades, marked in every output', async () => {
    const work = scratch();
    try {
      const noSandbox = { ...process.env, COURSE_KIT_BWRAP: join(work.path, 'no-bwrap-here') };
      const solutions = join(fixtureCourseRoot, 'solutions');
      const refused = await runGrade([solutions, '--root', fixtureCourseRoot], 20_000, noSandbox);
      assert.equal(refused.code, 2);
      assert.equal(
        refused.stderr.trim(),
        'error: the grader needs an OS sandbox and cannot make one: bubblewrap (bwrap) is not installed; install it with: ' +
          'sudo apt-get install bubblewrap util-linux. Grade anyway, unprotected, with --unsafe-no-sandbox',
      );
      const classDir = join(work.path, 'class');
      cpSync(solutions, join(classDir, 'alice', 'exercises'), { recursive: true });
      const out = (name: string) => join(work.path, name);
      const unsafe = await runGrade(
        [
          classDir,
          '--root',
          fixtureCourseRoot,
          '--unsafe-no-sandbox',
          '--gradebook',
          out('g.csv'),
          '--json',
          out('r.json'),
          '--junit',
          out('r.xml'),
        ],
        60_000,
        noSandbox,
      );
      assert.equal(unsafe.code, 0, unsafe.stderr);
      const note = 'UNSAFE: graded without the OS sandbox (--unsafe-no-sandbox)';
      assert.ok(unsafe.stdout.includes(`!!! ${note} !!!`), 'the table');
      assert.ok(unsafe.stderr.includes('!!! UNSAFE'), 'the terminal');
      assert.ok(readFileSync(out('g.csv'), 'utf8').includes(`alice,8,4,12,${note}`), 'the gradebook');
      assert.ok(readFileSync(out('r.json'), 'utf8').includes(`"sandbox": "${note}"`), 'the JSON');
      assert.ok(readFileSync(out('r.xml'), 'utf8').includes(`<testsuites name="${note}">`), 'the JUnit XML');
    } finally {
      work.remove();
    }
  });
});
