/**
 * The grader's trust: a submission can earn no point it did not. Each
 * hostile submission here answers correctly ONLY if its attack works (it
 * reads the solution, patches the verdict, reaches the network, loads native
 * code...), so a point it earns is an attack that got through. Each must end
 * in an honest grade, write nothing outside its sandbox and leave no process
 * (the leftovers harness checks the processes that inherit the test run's
 * marker; processes that shed it are looked for by their command line).
 */
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { cpSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { gradeClass } from '../../src/grader/class.js';
import { gradeExercise, gradeSubmission } from '../../src/grader/grade.js';
import { findExercise, type Course } from '../../src/grader/manifest.js';
import { formatGradebook } from '../../src/grader/report.js';
import type { ExerciseResult } from '../../src/grader/results.js';
import { kitRoot } from '../../src/paths.js';
import { copyCourse, fixtureCourse, scratch, submissions } from './helpers.js';

const SUM_LIST = join('exercises', '00-basics', 'sum-list');

async function gradeSum(course: Course, submission: string): Promise<ExerciseResult> {
  const result = await gradeSubmission(course, submission, { exercise: 'sum-list' });
  return result.exercises[0];
}

/** A submission whose sum.ts is `source`. */
function submissionWith(folder: string, source: string): string {
  mkdirSync(join(folder, SUM_LIST), { recursive: true });
  writeFileSync(join(folder, SUM_LIST, 'sum.ts'), source);
  return folder;
}

/** Hashes of every file under `folder` (to prove a grading changed none). */
function fingerprint(folder: string): Map<string, string> {
  const hashes = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) hashes.set(path, createHash('sha256').update(readFileSync(path)).digest('hex'));
    }
  };
  walk(folder);
  return hashes;
}

/** Processes whose command line holds `text` (for those that shed the test run's marker). */
function processesRunning(text: string): string[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      try {
        const command = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').join(' ');
        return command.includes(text) ? [`${pid}: ${command}`] : [];
      } catch {
        return [];
      }
    });
}

/** The sums, right only when `ok` holds: a source fragment for the hostile files below. */
const answers = (ok: string) => `
export function sum(xs: number[]): number {
  return (${ok}) ? xs.reduce((total, x) => total + x, 0) : -1;
}
export async function sumLater(xs: number[]): Promise<number> {
  return sum(xs);
}
`;

describe('grader: trust (a submission earns no point it did not)', function () {
  this.timeout(120_000);

  it('a forged report on the report channel is ignored and counted', async () => {
    const result = await gradeSum(fixtureCourse(), join(submissions, 'forged-report'));
    assert.equal(result.points, 0);
    assert.equal(result.status, 'fail');
    assert.match(result.message ?? '', /line\(s\) on the report channel did not come from the grader and were ignored/);
    assert.deepEqual(
      result.tests.map((test) => test.status),
      ['fail', 'fail', 'fail', 'fail'],
    );
  });

  it('patching assert, prototypes, globals, process, the test API, the loader or the heap changes nothing', async () => {
    const result = await gradeSum(fixtureCourse(), join(submissions, 'patches-runtime'));
    assert.equal(result.points, 0);
    const [first, second] = result.tests;
    assert.equal(first.status, 'fail');
    assert.match(first.message ?? '', /(registered|reported) twice/, 'a test registered under a real title is not believed');
    assert.match(second.output ?? '', /^patched: none/, 'every patch must be refused');
  });

  it('the solutions, the hidden tests, the kit and the disk cannot be read (no answer, no points)', async () => {
    const work = scratch();
    try {
      const course = copyCourse(join(work.path, 'course'));
      const secrets = [
        join(course.solutionsDir, '00-basics', 'sum-list', 'sum.ts'),
        join(course.solutionsDir, '00-basics', 'sum-list', 'sum.test.ts'),
        join(kitRoot, 'solutions', '05-races-and-locks', 'mutex', 'mutex.ts'),
        join(kitRoot, 'src', 'grader', 'grade.ts'),
      ];
      const tries = [
        ...secrets,
        ...secrets.map((path) => `/proc/self/root${path}`),
        ...secrets.map((path) => `/proc/1/root${path}`),
        'node_modules/course-kit/solutions/05-races-and-locks/mutex/mutex.ts',
        'node_modules/course-kit/src/grader/grade.ts',
        '/kit/solutions/05-races-and-locks/mutex/mutex.ts',
        './sum.test.js',
        '/work/sum.test.js',
        '/proc/self/environ',
        '/proc/self/mem',
      ];
      const source = `import { readFileSync } from 'node:fs';
const found: string[] = [];
for (const path of ${JSON.stringify(tries)}) {
  try {
    const text = readFileSync(path, 'latin1');
    if (/BEGIN SOLUTION|negative numbers|export function|compareExchange/.test(text)) found.push(path);
  } catch {}
}
console.log('found: ' + (found.join(', ') || 'nothing'));
${answers('found.length > 0')}`;
      const result = await gradeSum(course, submissionWith(join(work.path, 'student'), source));
      assert.equal(result.points, 0, JSON.stringify(result.tests, null, 1));
      assert.equal(result.status, 'fail');
    } finally {
      work.remove();
    }
  });

  it('nothing can be written into the kit, the course or the disk: the next student still fails', async () => {
    const work = scratch();
    const hostFile = join('/tmp', `grader-escape-${randomUUID()}`);
    try {
      const course = copyCourse(join(work.path, 'course'));
      const testFile = join(course.solutionsDir, '00-basics', 'sum-list', 'sum.test.ts');
      const targets = [
        testFile,
        join(kitRoot, 'package.json'),
        join(kitRoot, 'dist', 'index.js'),
        'node_modules/course-kit/package.json',
        '/kit/dist/index.js',
        `/proc/self/root${testFile}`,
      ];
      // The sandbox's own /tmp takes the file (it is a tmpfs of its own): it must never reach the host's.
      const source = `import { writeFileSync } from 'node:fs';
let wrote = false;
for (const path of ${JSON.stringify(targets)}) {
  try { writeFileSync(path, "it('x', () => {});\\n"); wrote = true; } catch {}
}
try { writeFileSync(${JSON.stringify(hostFile)}, 'escaped'); } catch {}
${answers('wrote')}`;
      const before = fingerprint(course.root);
      const kitBefore = createHash('sha256')
        .update(readFileSync(join(kitRoot, 'package.json')))
        .digest('hex');
      const result = await gradeSum(course, submissionWith(join(work.path, 'student'), source));
      assert.equal(result.points, 0);
      assert.deepEqual(fingerprint(course.root), before, 'the course is unchanged');
      assert.equal(
        createHash('sha256')
          .update(readFileSync(join(kitRoot, 'package.json')))
          .digest('hex'),
        kitBefore,
      );
      assert.equal(existsSync(hostFile), false, 'nothing reached the host disk');
      // The next student hands in the starter: still no points.
      const next = await gradeSum(course, course.root);
      assert.equal(next.points, 0);
    } finally {
      rmSync(hostFile, { force: true });
      work.remove();
    }
  });

  it('links in a submission are refused, with a sentence naming them; the other exercise is still graded', async () => {
    const work = scratch();
    try {
      const course = copyCourse(join(work.path, 'course'));
      const solution = join(course.solutionsDir, '00-basics', 'sum-list', 'sum.ts');
      const fileLink = join(work.path, 'file-link');
      mkdirSync(join(fileLink, SUM_LIST), { recursive: true });
      symlinkSync(solution, join(fileLink, SUM_LIST, 'sum.ts'));
      const folderLink = join(work.path, 'folder-link');
      mkdirSync(folderLink);
      symlinkSync(course.solutionsDir, join(folderLink, 'exercises'));
      const hardLink = join(work.path, 'hard-link');
      mkdirSync(join(hardLink, SUM_LIST), { recursive: true });
      linkSync(solution, join(hardLink, SUM_LIST, 'sum.ts'));
      const fifo = join(work.path, 'fifo');
      mkdirSync(join(fifo, SUM_LIST), { recursive: true });
      assert.equal(spawnSync('mkfifo', [join(fifo, SUM_LIST, 'sum.ts')]).status, 0);

      const graded = async (folder: string) => (await gradeSubmission(course, folder)).exercises;
      const [a, aOther] = await graded(fileLink);
      assert.equal(a.message, 'exercises/00-basics/sum-list/sum.ts is a symbolic link; submit the file itself');
      assert.equal(a.points, 0);
      assert.equal(
        aOther.message,
        'missing from the submission: exercises/00-basics/shared-counter/counter.ts',
        'the other exercise is graded',
      );
      const [b] = await graded(folderLink);
      assert.equal(b.message, 'exercises is a symbolic link; submit the folder itself');
      const [c] = await graded(hardLink);
      assert.equal(
        c.message,
        'exercises/00-basics/sum-list/sum.ts is a hard link to a file outside the submission; submit a copy of the file itself',
      );
      const [d] = await graded(fifo);
      assert.match(d.message ?? '', /^exercises\/00-basics\/sum-list\/sum\.ts is not a regular file/);
      for (const result of [a, b, c, d]) assert.equal(result.points, 0);
    } finally {
      work.remove();
    }
  });

  it('no network: nothing gets out to the host, nothing the submission opens can be reached', async () => {
    const connections: string[] = [];
    const server: Server = createServer((socket) => {
      connections.push('connected');
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
    const port = (server.address() as AddressInfo).port;
    const inbound = 20_000 + Math.floor(Math.random() * 20_000);
    const work = scratch();
    try {
      const source = `import { connect, createServer } from 'node:net';
const listener = createServer(() => {}).listen(${inbound}, '0.0.0.0');
listener.unref();
const reach = (host: string) => new Promise<boolean>((resolve) => {
  const socket = connect(${port}, host, () => { socket.write('hidden tests here'); socket.end(); resolve(true); });
  socket.on('error', () => resolve(false));
  socket.setTimeout(1000, () => { socket.destroy(); resolve(false); });
});
const reached = (await Promise.all(['127.0.0.1', 'localhost', ${JSON.stringify(hostAddress())}].map(reach))).some(Boolean);
await new Promise((resolve) => setTimeout(resolve, 1500));
${answers('reached')}`;
      const graded = gradeSum(fixtureCourse(), submissionWith(work.path, source));
      // Meanwhile the host tries to reach the port the submission listens on.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const inboundReached = await new Promise<boolean>((resolve) => {
        const socket = connect(inbound, '127.0.0.1');
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      });
      const result = await graded;
      assert.equal(result.points, 0, JSON.stringify(result, null, 1));
      assert.deepEqual(connections, [], 'the host listener was never reached');
      assert.equal(inboundReached, false, 'the port the submission listens on is not reachable from the host');
    } finally {
      server.close();
      work.remove();
    }
  });

  it('native code cannot load, and a process that sheds every marker still ends with its sandbox', async () => {
    const addon = join(kitRoot, 'node_modules', '@napi-rs', 'canvas-linux-x64-gnu', 'skia.linux-x64-gnu.node');
    const sleeper = `sleep ${300 + Math.floor(Math.random() * 600)}`;
    const work = scratch();
    try {
      const source = `import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
let loaded = false;
for (const path of [${JSON.stringify(addon)}, '/kit/node_modules/@napi-rs/canvas-linux-x64-gnu/skia.linux-x64-gnu.node']) {
  try { process.dlopen({ exports: {} }, path); loaded = true; } catch {}
}
try { createRequire(import.meta.url)('@napi-rs/canvas'); loaded = true; } catch {}
spawn('setsid', ${JSON.stringify(sleeper.split(' '))}, { detached: true, stdio: 'ignore', env: {} }).unref();
${answers('loaded')}`;
      const course = fixtureCourse();
      const result = await gradeSubmission(course, submissionWith(work.path, source), {
        exercise: 'sum-list',
        limits: { allowChildProcesses: true },
      });
      assert.equal(result.exercises[0].points, 0);
      assert.deepEqual(processesRunning(sleeper), [], 'the setsid child ended with the sandbox');
    } finally {
      work.remove();
    }
  });

  it('a type bomb: "type check did not finish", no points, and the next exercise is graded', async () => {
    const course = fixtureCourse();
    const work = scratch();
    // Four lines whose checking takes a minute and more than a gigabyte (written here, not committed,
    // so that the kit's own type check never meets them).
    const bomb = `type D = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9';
type Count<N extends string, A extends unknown[] = []> = \`\${A['length']}\` extends N ? A : Count<N, [...A, 0]>;
type Each<X> = X extends string ? Count<X> : never;
export const all: Each<\`\${D}\${D}\${D}\`> = [];
${answers('true')}`;
    submissionWith(work.path, bomb);
    cpSync(join(course.solutionsDir, '00-basics', 'shared-counter'), join(work.path, 'exercises', '00-basics', 'shared-counter'), {
      recursive: true,
    });
    const started = performance.now();
    let result;
    try {
      result = await gradeSubmission(course, work.path, { typeCheckLimits: { timeLimitSeconds: 15, memoryMb: 256 } });
    } finally {
      work.remove();
    }
    const [bombed, counter] = result.exercises;
    assert.equal(bombed.message, 'type check did not finish within 15 s / 256 MB');
    assert.equal(bombed.points, 0);
    assert.equal(bombed.status, 'error');
    assert.equal(counter.status, 'pass', 'the type checker was restarted for the next exercise');
    assert.ok(performance.now() - started < 60_000);
  });

  it('what hidden tests receive, say or print is withheld from the results (shown with revealHidden)', async () => {
    const course = fixtureCourse();
    const exercise = findExercise(course, 'sum-list');
    const folder = join(submissions, 'leaks-hidden', 'exercises');
    const result = await gradeExercise(course, exercise, folder);
    const text = JSON.stringify(result);
    assert.doesNotMatch(text, /-7/, 'the hidden input [5,-7,2] must not show');
    const hidden = result.tests.find((test) => test.hidden)!;
    assert.equal(hidden.status, 'fail');
    assert.equal(hidden.output, null);
    assert.match(hidden.message ?? '', /hidden test failed/);
    assert.equal(hidden.test_code, undefined);
    const later = result.tests.find((test) => test.name === 'sumLater resolves to the sum')!;
    assert.match(later.message ?? '', /withheld: it ran after a hidden test/);
    const revealed = await gradeExercise(course, exercise, folder, { revealHidden: true });
    assert.match(JSON.stringify(revealed), /LEAK .*-7/, 'the instructor can see them');
  });

  it('a class is always reported: a crashing job costs one exercise of one student, marked "grader error"', async () => {
    const work = scratch();
    try {
      const course = fixtureCourse();
      cpSync(join(course.solutionsDir), join(work.path, 'alice', 'exercises'), { recursive: true });
      cpSync(join(course.solutionsDir), join(work.path, 'bob', 'exercises'), { recursive: true });
      const results = await gradeClass(course, work.path, {
        gradeJob: async (...args) => {
          const [, exercise, , , submission] = args;
          if (submission?.endsWith('bob') && exercise.name === 'sum-list') throw new Error('the grader fell over');
          return gradeExercise(...args);
        },
      });
      const [alice, bob] = results;
      assert.equal(alice.points, 12);
      assert.equal(bob.exercises[0].message, 'grader error: the grader fell over');
      assert.equal(bob.exercises[1].status, 'pass', "bob's other exercise is graded");
      const gradebook = formatGradebook(['sum-list', 'shared-counter'], results);
      assert.match(gradebook, /^bob,,4,4,sum-list: grader error: the grader fell over$/m);
    } finally {
      work.remove();
    }
  });
});

/** An address of this machine other than loopback (or loopback where there is none). */
function hostAddress(): string {
  const found = spawnSync('hostname', ['-I'], { encoding: 'utf8' }).stdout?.trim().split(/\s+/)[0];
  return found || '127.0.0.1';
}
