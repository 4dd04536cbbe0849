/**
 * The auto-grader's costs (issue 7), each against a baseline from the same run:
 *
 * 1. Grading one full submission (the course's solutions, every exercise):
 *    median of 3, against running the same test files with plain mocha + tsx
 *    in one process (no type-check, no sandbox). The ratio is what the
 *    grader's stages (type-check, a sandboxed process per exercise) cost.
 * 2. A class of 20 copies of a full submission, graded on the kit's Pool with
 *    1 sandbox at a time vs availableParallelism() at a time (ratio = speedup).
 *    The small fixture course is used here, so the bench stays short; set
 *    BENCH_GRADER_COURSE=kit to use the course's own exercises.
 * 3. A hostile submission (an infinite loop) with a 2 s limit: the time from
 *    its start to its "timed out" result, against the limit itself (the ratio
 *    shows what starting, killing and cleaning up add).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gradeClass } from '../src/grader/class.js';
import { gradeSubmission } from '../src/grader/grade.js';
import { exerciseFolder, loadCourse, type Course } from '../src/grader/manifest.js';
import { kitRoot } from '../src/paths.js';
import { printTable, type BenchRow } from './report.js';

const fixtureRoot = join(kitRoot, 'test', 'fixtures', 'grader', 'course');
const kitCourse = loadCourse(kitRoot);
const fullCourse = kitCourse.exercises.length > 0 ? kitCourse : loadCourse(fixtureRoot);
const classCourse = process.env.BENCH_GRADER_COURSE === 'kit' ? fullCourse : loadCourse(fixtureRoot);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** The course's solution tests with plain mocha + tsx, in one process: the baseline. */
function plainMocha(course: Course): number {
  const files = course.exercises.map((exercise) => join(exerciseFolder(course, 'solutions', exercise), exercise.tests)).filter(existsSync);
  const started = performance.now();
  const run = spawnSync(process.execPath, [join(kitRoot, 'node_modules', 'mocha', 'bin', 'mocha.js'), '--no-config', '--node-option', 'import=tsx', '--extension', 'ts', '--exit', '--reporter', 'dot', ...files], {
    cwd: kitRoot,
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (run.error) throw run.error; // failing tests still give a time; a run that could not start does not
  return performance.now() - started;
}

async function oneSubmission(): Promise<BenchRow[]> {
  const grader: number[] = [];
  const plain: number[] = [];
  // Warm-up (TypeScript loaded and its standard library parsed once), then alternate.
  await gradeSubmission(fullCourse, fullCourse.solutionsDir);
  for (let round = 0; round < 3; round++) {
    const started = performance.now();
    const result = await gradeSubmission(fullCourse, fullCourse.solutionsDir);
    grader.push(performance.now() - started);
    if (round === 0 && result.status !== 'pass') {
      const failing = result.exercises.filter((exercise) => exercise.status !== 'pass').map((exercise) => exercise.exercise);
      console.error(`note: the solutions of ${failing.join(', ')} do not pass in the grader; timings still count`);
    }
    plain.push(plainMocha(fullCourse));
  }
  const value = median(grader);
  const baseline = median(plain);
  return [
    {
      benchmark: `grade one full submission (${fullCourse.exercises.length} exercises), median of 3`,
      value,
      unit: 'ms',
      baseline: 'plain mocha + tsx, same tests',
      baselineValue: baseline,
      ratio: value / baseline,
      goal: '<= 3 x plain mocha',
      met: value / baseline <= 3,
    },
  ];
}

async function classOfTwenty(): Promise<BenchRow[]> {
  const folder = mkdtempSync(join(tmpdir(), 'bench-grader-class-'));
  try {
    for (let i = 0; i < 20; i++) cpSync(classCourse.solutionsDir, join(folder, `student-${String(i).padStart(2, '0')}`, 'exercises'), { recursive: true });
    const timeClass = async (size: number) => {
      const started = performance.now();
      const results = await gradeClass(classCourse, folder, { size });
      if (results.some((result) => result.status !== 'pass')) throw new Error('a copy of the solutions did not pass');
      return performance.now() - started;
    };
    const workers = availableParallelism();
    const sequential = await timeClass(1);
    const parallel = await timeClass(workers);
    const speedup = sequential / parallel;
    return [
      {
        benchmark: `20 copies x ${classCourse.exercises.length} exercises: ${workers} sandboxes at once vs 1 (ratio = speedup)`,
        value: parallel,
        unit: 'ms',
        baseline: '1 at a time',
        baselineValue: sequential,
        ratio: speedup,
        goal: `speedup >= ${(0.7 * workers).toFixed(1)} (on ${workers} cores)`,
        met: speedup >= 0.7 * workers,
      },
    ];
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

async function hostile(): Promise<BenchRow[]> {
  const course = loadCourse(fixtureRoot);
  const limitMs = 2000;
  const times: number[] = [];
  for (let round = 0; round < 3; round++) {
    const started = performance.now();
    const result = await gradeSubmission(course, join(kitRoot, 'test', 'fixtures', 'grader', 'submissions', 'infinite-loop'), {
      exercise: 'sum-list',
      limits: { timeLimitMs: limitMs },
    });
    times.push(performance.now() - started);
    if (!/^timed out/.test(result.exercises[0].message ?? '')) throw new Error(`expected a time-out, got ${result.exercises[0].message}`);
  }
  const value = median(times);
  return [
    {
      benchmark: 'infinite loop: start to "timed out" result, median of 3',
      value,
      unit: 'ms',
      baseline: 'the time limit',
      baselineValue: limitMs,
      ratio: value / limitMs,
      goal: '<= limit + 1.5 s',
      met: value <= limitMs + 1500,
    },
  ];
}

const rows = [...(await oneSubmission()), ...(await classOfTwenty()), ...(await hostile())];
printTable('07 grader: one submission, a class of 20, a hostile submission', rows);
