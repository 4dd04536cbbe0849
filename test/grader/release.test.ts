import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listFiles } from '../../src/grader/generate.js';
import { loadCourse } from '../../src/grader/manifest.js';
import { release } from '../../src/grader/release.js';
import { fixtureCourseRoot, scratch } from './helpers.js';

/** A small repository: the fixture course plus the kit's other top-level parts. */
function makeRepo(folder: string): void {
  cpSync(fixtureCourseRoot, folder, { recursive: true });
  const scripts = {
    build: 'tsc',
    test: 'mocha',
    grade: 'node grade.js',
    learn: 'node learn.js',
    bench: 'node bench.js',
    release: 'node release.js',
    'exercises:generate': 'node gen.js',
  };
  writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'kit', type: 'module', scripts }, null, 2));
  writeFileSync(join(folder, 'README.md'), '# kit\n');
  for (const [path, text] of Object.entries({
    'src/index.ts': 'export {};\n',
    'notebooks/01.ipynb': '{}\n',
    'test/kit.test.ts': '// the kit tests\n',
    'bench/a.bench.ts': '// a benchmark\n',
    'docs/grading.md': '# instructor guide\n',
    'docs/other.md': '# for everyone\n',
  })) {
    mkdirSync(join(folder, path, '..'), { recursive: true });
    writeFileSync(join(folder, path), text);
  }
}

describe('grader: the student release', () => {
  it('copies what a student needs, with no solutions, hidden tests, kit tests or instructor guide', () => {
    const work = scratch();
    try {
      const repo = join(work.path, 'repo');
      makeRepo(repo);
      const out = join(work.path, 'student');
      const report = release(loadCourse(repo), out);
      assert.equal(report.exercises, 2);
      const files = listFiles(out);
      for (const forbidden of ['solutions', 'test', 'bench']) assert.ok(!existsSync(join(out, forbidden)), forbidden);
      assert.ok(!files.includes('docs/grading.md'));
      for (const needed of [
        'README.md',
        'src/index.ts',
        'notebooks/01.ipynb',
        'docs/other.md',
        'exercises/manifest.json',
        'exercises/00-basics/sum-list/sum.ts',
      ]) {
        assert.ok(files.includes(needed), needed);
      }
      const tests = readFileSync(join(out, 'exercises/00-basics/sum-list/sum.test.ts'), 'utf8');
      assert.ok(!tests.includes('negative numbers') && !tests.includes('HIDDEN'), 'no hidden test');
      assert.match(readFileSync(join(out, 'exercises/00-basics/sum-list/sum.ts'), 'utf8'), /Not implemented yet: sum-list/);
      const json = JSON.parse(readFileSync(join(out, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
      assert.deepEqual(Object.keys(json.scripts).sort(), ['build', 'grade', 'learn', 'test']);
      assert.equal(json.scripts.test, 'npm run grade --silent -- --self-check');
    } finally {
      work.remove();
    }
  });

  it('writes a GitHub Classroom test per exercise, worth its visible points', () => {
    const work = scratch();
    try {
      const repo = join(work.path, 'repo');
      makeRepo(repo);
      const out = join(work.path, 'student');
      release(loadCourse(repo), out);
      const config = JSON.parse(readFileSync(join(out, '.github/classroom/autograding.json'), 'utf8')) as {
        tests: Record<string, unknown>[];
      };
      assert.deepEqual(
        config.tests.map((test) => [test.run, test.points, test.setup]),
        [
          ['npm run grade --silent -- --exercise sum-list --tests exercises --self-check', 5, 'npm ci'],
          ['npm run grade --silent -- --exercise shared-counter --tests exercises --self-check', 1, ''],
        ],
      );
      assert.ok(existsSync(join(out, '.github/workflows/classroom.yml')));
    } finally {
      work.remove();
    }
  });

  it('refuses a stale exercises/ folder and a non-empty destination', () => {
    const work = scratch();
    try {
      const repo = join(work.path, 'repo');
      makeRepo(repo);
      const full = join(work.path, 'full');
      mkdirSync(full);
      writeFileSync(join(full, 'x'), '');
      assert.throws(() => release(loadCourse(repo), full), /is not empty/);
      writeFileSync(join(repo, 'exercises/00-basics/sum-list/sum.ts'), '// the answer, pasted by mistake\n');
      assert.throws(() => release(loadCourse(repo), join(work.path, 'student')), /run "npm run exercises:generate" first/);
    } finally {
      work.remove();
    }
  });
});
