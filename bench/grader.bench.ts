/**
 * The auto-grader's costs, each against a baseline run in the same process, in
 * interleaved rounds; the figure is the median of the per-round ratios.
 *
 * 1. Sandbox start-up per exercise: one small compiled exercise (the fixture's
 *    sum-list) run in the grader's sandbox (bubblewrap, frozen realm, signed
 *    report), against the previous grader's sandbox (mocha under Node's
 *    permission model, bench/baselines/previous-sandbox.mjs) on the same files.
 * 2. One full submission (the course's solutions, every exercise), against
 *    plain mocha + tsx running the same test files in one process (no type
 *    check, no sandbox).
 * 3. A class: default jobs (one per core) against `--jobs 1` (ratio =
 *    speedup), for 20 copies of the fixture course and 4 of the course itself.
 * 4. A hostile submission (an infinite loop) with a 2 s limit: time to its
 *    "timed out" result against the limit itself.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gradeClass } from '../src/grader/class.js';
import { gradeSubmission } from '../src/grader/grade.js';
import { exerciseFolder, loadCourse, type Course } from '../src/grader/manifest.js';
import { runSandbox } from '../src/grader/sandbox/launch.js';
import { TypeCheckService } from '../src/grader/typecheck/service.js';
import { kitRoot } from '../src/paths.js';
import { printTable, type BenchRow } from './report.js';
import { median, milliseconds, sideBySide } from './side-by-side.js';

const fixtureRoot = join(kitRoot, 'test', 'fixtures', 'grader', 'course');
const kitCourse = loadCourse(kitRoot);
const fullCourse = kitCourse.exercises.length > 0 ? kitCourse : loadCourse(fixtureRoot);
const classCourse = loadCourse(fixtureRoot);

/** Runs `rounds` interleaved rounds of (kit, baseline) (bench/side-by-side.ts); the medians and the median per-round ratio. */
async function interleaved(rounds: number, kit: () => Promise<number>, baseline: () => Promise<number>) {
  const result = await sideBySide({ kit, baseline }, 'baseline', rounds);
  return { value: result.median.kit, baselineValue: result.median.baseline, ratio: result.ratio.kit };
}

/** The fixture's sum-list, compiled, as the sandbox gets it. */
async function compiledSumList(): Promise<Record<string, string>> {
  const folder = join(fixtureRoot, 'solutions', '00-basics', 'sum-list');
  const checker = new TypeCheckService('os');
  try {
    const compiled = await checker.check(
      { 'sum.ts': readFileSync(join(folder, 'sum.ts'), 'utf8'), 'sum.test.ts': readFileSync(join(folder, 'sum.test.ts'), 'utf8') },
      60,
    );
    if (!compiled.ok) throw new Error('the fixture does not compile');
    return compiled.outputs;
  } finally {
    checker.close();
  }
}

/** The previous grader's sandbox on the same files: mocha under the permission model. */
function previousSandbox(files: Record<string, string>): Promise<number> {
  const work = mkdtempSync(join(tmpdir(), 'bench-previous-'));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(work, file), text);
  writeFileSync(join(work, 'package.json'), '{ "type": "module" }\n');
  symlinkSync(join(kitRoot, 'node_modules'), join(work, 'node_modules'), 'dir');
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      '--experimental-permission',
      `--allow-fs-read=${work}`,
      `--allow-fs-read=${join(kitRoot, 'node_modules')}`,
      `--allow-fs-read=${join(kitRoot, 'bench')}`,
      `--allow-fs-write=${work}`,
      '--max-old-space-size=64',
      '--disable-warning=ExperimentalWarning',
      join(kitRoot, 'bench', 'baselines', 'previous-sandbox.mjs'),
      join(work, 'sum.test.js'),
    ],
    { cwd: work, stdio: ['ignore', 'ignore', 'ignore', 'pipe'], detached: true },
  );
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', () => {
      rmSync(work, { recursive: true, force: true });
      resolve(performance.now() - started);
    });
  });
}

async function sandboxStartUp(): Promise<BenchRow[]> {
  const files = await compiledSumList();
  const limits = { timeLimitMs: 10_000, memoryMb: 64, allowWorkers: false, allowChildProcesses: false };
  const sandbox = () => milliseconds(() => runSandbox({ files, testFile: 'sum.test.js', packages: [], isolation: 'os', limits }));
  await sandbox(); // warm-up
  await previousSandbox(files);
  const { value, baselineValue, ratio } = await interleaved(9, sandbox, () => previousSandbox(files));
  return [
    {
      benchmark: 'one small exercise in the sandbox (start to signed result), median of 9 interleaved rounds',
      value,
      unit: 'ms',
      baseline: 'previous sandbox (mocha + permission model)',
      baselineValue,
      ratio,
      goal: '<= 1.5 x the previous sandbox',
      met: ratio <= 1.5,
    },
  ];
}

/** The course's solution tests with plain mocha + tsx, in one process: the baseline. */
async function plainMocha(course: Course): Promise<number> {
  const files = course.exercises.map((exercise) => join(exerciseFolder(course, 'solutions', exercise), exercise.tests)).filter(existsSync);
  return milliseconds(async () => {
    const run = spawnSync(
      process.execPath,
      [
        join(kitRoot, 'node_modules', 'mocha', 'bin', 'mocha.js'),
        '--no-config',
        '--node-option',
        'import=tsx',
        '--extension',
        'ts',
        '--exit',
        '--reporter',
        'dot',
        ...files,
      ],
      {
        cwd: kitRoot,
        encoding: 'utf8',
        timeout: 300_000,
      },
    );
    if (run.error) throw run.error; // failing tests still give a time; a run that could not start does not
  });
}

async function oneSubmission(): Promise<BenchRow[]> {
  const checker = new TypeCheckService('os');
  try {
    const grade = () =>
      milliseconds(async () => {
        const result = await gradeSubmission(fullCourse, fullCourse.solutionsDir, { typeChecker: checker });
        if (result.status !== 'pass')
          console.error(
            `note: ${result.exercises
              .filter((e) => e.status !== 'pass')
              .map((e) => e.exercise)
              .join(', ')} did not pass`,
          );
      });
    await grade(); // warm-up: TypeScript loaded, its standard library parsed
    const { value, baselineValue, ratio } = await interleaved(3, grade, () => plainMocha(fullCourse));
    return [
      {
        benchmark: `one full submission (${fullCourse.exercises.length} exercises, warm type checker), median of 3 interleaved rounds`,
        value,
        unit: 'ms',
        baseline: 'plain mocha + tsx, same tests, no sandbox',
        baselineValue,
        ratio,
        goal: '<= 3 x plain mocha',
        met: ratio <= 3,
      },
    ];
  } finally {
    checker.close();
  }
}

/** `students` copies of `course`'s solutions graded with default jobs and with --jobs 1, interleaved; ratio = speedup. */
async function classSpeedup(course: Course, students: number, rounds: number): Promise<BenchRow> {
  const folder = mkdtempSync(join(tmpdir(), 'bench-grader-class-'));
  try {
    for (let i = 0; i < students; i++)
      cpSync(course.solutionsDir, join(folder, `student-${String(i).padStart(2, '0')}`, 'exercises'), { recursive: true });
    const timeClass = (size: number) =>
      milliseconds(async () => {
        const results = await gradeClass(course, folder, { size });
        if (results.some((result) => result.status !== 'pass')) throw new Error('a copy of the solutions did not pass');
      });
    const workers = availableParallelism();
    // The per-round ratio is default / 1 at a time; its inverse is the speedup.
    const { value, baselineValue, ratio } = await interleaved(
      rounds,
      () => timeClass(workers),
      () => timeClass(1),
    );
    const speedup = 1 / ratio;
    return {
      benchmark: `a class of ${students} x ${course.exercises.length} exercises (${course === fullCourse ? 'the course' : 'fixture'}): default jobs (${workers}) vs --jobs 1 (ratio = speedup), median of ${rounds}`,
      value,
      unit: 'ms',
      baseline: '--jobs 1',
      baselineValue,
      ratio: speedup,
      goal: `speedup >= 1.6 (on ${workers} cores)`,
      met: speedup >= 1.6,
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * A class of 20 on the small fixture course (two exercises, one of them two
 * workers counting: CPU-bound from start to end), and a class of 4 on the
 * course's own ten exercises (set BENCH_GRADER_CLASS=20 for twenty).
 */
async function classes(): Promise<BenchRow[]> {
  const rows = [await classSpeedup(loadCourse(fixtureRoot), 20, 3)];
  if (fullCourse !== classCourse || fullCourse.exercises.length > 2)
    rows.push(await classSpeedup(fullCourse, Number(process.env.BENCH_GRADER_CLASS ?? 4), 1));
  return rows;
}

async function hostile(): Promise<BenchRow[]> {
  const course = loadCourse(fixtureRoot);
  const limitMs = 2000;
  const times: number[] = [];
  const checker = new TypeCheckService('os');
  const submission = join(kitRoot, 'test', 'fixtures', 'grader', 'submissions', 'infinite-loop');
  const grade = () => gradeSubmission(course, submission, { exercise: 'sum-list', limits: { timeLimitMs: limitMs }, typeChecker: checker });
  try {
    await grade(); // warm-up of the type checker
    for (let round = 0; round < 3; round++) {
      const started = performance.now();
      const result = await grade();
      times.push(performance.now() - started);
      if (!/^timed out/.test(result.exercises[0].message ?? '')) throw new Error(`expected a time-out, got ${result.exercises[0].message}`);
    }
  } finally {
    checker.close();
  }
  const value = median(times);
  return [
    {
      benchmark: 'infinite loop: start to "timed out" result (warm type checker), median of 3',
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

const rows = [...(await sandboxStartUp()), ...(await oneSubmission()), ...(await classes()), ...(await hostile())];
printTable('grader: sandbox start-up, one submission, a class of 20, a hostile submission', rows);
