import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateExercises, starterFiles } from '../../src/grader/generate.js';
import { findExercise } from '../../src/grader/manifest.js';
import { findRegions, hasMarkers, notImplementedLine, toStarter } from '../../src/grader/markers.js';
import { compiledEntry } from '../../src/paths.js';
import { copyCourse, fixtureCourse, fixtureCourseRoot, scratch } from './helpers.js';

describe('grader: markers', () => {
  it('replaces a SOLUTION region by a throwing stub at the marker indentation', () => {
    const source = ['export function f(): number {', '  // BEGIN SOLUTION', '  return 42;', '  // END SOLUTION', '}', ''].join('\n');
    assert.equal(
      toStarter(source, 'f.ts', 'answer'),
      ['export function f(): number {', `  ${notImplementedLine('answer')}`, '}', ''].join('\n'),
    );
    assert.match(
      notImplementedLine('answer'),
      /^throw new Error\('Not implemented yet: answer — see README.md and the hints \(npm run learn\)'\);$/,
    );
  });

  it('uses the STUB lines of a region when it has them', () => {
    const source = [
      'function f() {',
      '    // BEGIN SOLUTION',
      '    // STUB: return [];',
      '    return [1, 2];',
      '    // END SOLUTION',
      '}',
    ].join('\n');
    assert.equal(toStarter(source, 'f.ts', 'x'), ['function f() {', '    return [];', '}'].join('\n'));
  });

  it('removes HIDDEN TESTS regions, markers included, and keeps the rest byte for byte', () => {
    const source = [
      "it('a', () => {});",
      '// BEGIN HIDDEN TESTS',
      "it('b', () => {});",
      '// END HIDDEN TESTS',
      "it('c', () => {});",
      '',
    ].join('\r\n');
    assert.equal(toStarter(source, 't.ts', 'x'), ["it('a', () => {});", "it('c', () => {});", ''].join('\n'));
  });

  it('names the file and line of an unclosed, stray or nested marker', () => {
    assert.throws(() => findRegions('a\n// BEGIN SOLUTION\nb\n', 'x.ts'), /x\.ts:2: BEGIN SOLUTION is never closed/);
    assert.throws(() => findRegions('// END HIDDEN TESTS\n', 'y.ts'), /y\.ts:1: END HIDDEN TESTS without a matching BEGIN/);
    assert.throws(() => findRegions('// BEGIN SOLUTION\n// BEGIN HIDDEN TESTS\n', 'z.ts'), /z\.ts:2: .*cannot nest/);
  });

  it('refuses a student file without a SOLUTION region (its starter would be the answer)', () => {
    const work = scratch();
    try {
      const course = copyCourse(work.path);
      const file = join(course.solutionsDir, '00-basics', 'sum-list', 'sum.ts');
      writeFileSync(file, readFileSync(file, 'utf8').replace(/\/\/ (BEGIN|END) SOLUTION\n/g, ''));
      assert.throws(() => starterFiles(course, findExercise(course, 'sum-list')), /has no "\/\/ BEGIN SOLUTION" region/);
    } finally {
      work.remove();
    }
  });
});

describe('grader: exercise generation', () => {
  it('generates the committed fixture starters exactly, without markers or hidden tests', () => {
    const course = fixtureCourse();
    const report = generateExercises(course, { check: true });
    assert.deepEqual(report.stale, []);
    assert.deepEqual(report.extra, []);
    const files = starterFiles(course, findExercise(course, 'sum-list'));
    assert.deepEqual([...files.keys()], ['README.md', 'sum.test.ts', 'sum.ts']);
    const tests = files.get('sum.test.ts')!.toString('utf8');
    assert.ok(!tests.includes('negative numbers'), 'the hidden test is gone');
    assert.ok(!hasMarkers(files.get('sum.ts')!.toString('utf8')));
  });

  it('round trip: writes missing starters, then --check passes; a hand edit makes --check fail', () => {
    const work = scratch();
    try {
      const course = copyCourse(work.path);
      const starter = join(course.exercisesDir, '00-basics', 'sum-list', 'sum.ts');
      writeFileSync(starter, 'edited by hand\n');
      const cli = (...args: string[]) =>
        spawnSync(process.execPath, [compiledEntry('grader/cli/generate.ts'), '--root', work.path, ...args], {
          encoding: 'utf8',
          timeout: 20_000,
        });
      const stale = cli('--check');
      assert.equal(stale.status, 1, stale.stdout + stale.stderr);
      assert.match(stale.stdout, /stale: exercises\/00-basics\/sum-list\/sum\.ts/);
      const write = cli();
      assert.equal(write.status, 0, write.stderr);
      assert.match(write.stdout, /wrote exercises\/00-basics\/sum-list\/sum\.ts/);
      const again = cli('--check');
      assert.equal(again.status, 0, again.stdout + again.stderr);
      assert.equal(
        readFileSync(starter, 'utf8'),
        readFileSync(join(fixtureCourseRoot, 'exercises', '00-basics', 'sum-list', 'sum.ts'), 'utf8'),
      );
      // Deterministic: generating again changes nothing.
      assert.deepEqual(generateExercises(course).written, []);
    } finally {
      work.remove();
    }
  });
});
