/**
 * The student copy of the repository (`npm run release -- <out dir>`): what a
 * student needs to work and to check their work, and nothing that gives the
 * answers away.
 *
 * - copied: README, tsconfig, package-lock, src/ (the library and the
 *   grader), notebooks/, exercises/ (the generated starters), slides/, docs/
 *   (but not the instructor's grading guide);
 * - never copied: solutions/, test/ (the kit's own tests and the grader's
 *   fixtures), bench/, dist/, node_modules/, git data;
 * - package.json keeps the scripts that make sense for a student (`test` runs
 *   the grader on their exercises) and drops the instructor's;
 * - `.github/classroom/autograding.json`: one GitHub Classroom test per
 *   exercise, running the grader on it, worth its visible tests' points; and
 *   the workflow that runs it on every push.
 *
 * It refuses to release when exercises/ is stale (generated files differ from
 * solutions/), and checks the result holds no marker and no solutions.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { generateExercises, listFiles } from './generate.js';
import { exerciseFolder, type Course } from './manifest.js';
import { hasMarkers } from './markers.js';
import { scanTests } from './test-scan.js';

/** Top-level entries copied when present (folders whole, minus what `skipped` says). */
const copied = [
  'README.md',
  'LICENSE',
  'LICENSE.md',
  '.gitignore',
  'tsconfig.json',
  'tsconfig.build.json',
  'package-lock.json',
  'src',
  'notebooks',
  'exercises',
  'slides',
  'docs',
  '.ci/install-system-packages',
];

/** Paths (relative to the repo) never copied, whatever folder holds them. */
function skipped(path: string): boolean {
  const name = path.split('/').pop()!;
  return (
    name === 'node_modules' ||
    name === '.ipynb_checkpoints' ||
    name === '.learn-progress.json' ||
    name.endsWith('.log') ||
    path === 'docs/grading.md'
  );
}

/** Scripts a student keeps; `test` is replaced, the rest (bench, release, generation) dropped. */
const studentScripts = ['build', 'prepare', 'typecheck', 'start', 'notebooks', 'chart', 'slides', 'setup', 'grade', 'learn'];

export interface ReleaseReport {
  outDir: string;
  files: number;
  exercises: number;
}

function copyTree(from: string, to: string, root: string, outDir: string, count: { files: number }): void {
  const path = relative(root, from).split(sep).join('/');
  if (skipped(path) || resolve(from) === outDir) return;
  const stats = statSync(from);
  if (stats.isDirectory()) {
    for (const entry of readdirSync(from)) copyTree(join(from, entry), join(to, entry), root, outDir, count);
  } else if (stats.isFile()) {
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(from, to);
    count.files += 1;
  }
}

/** package.json for students: their scripts only; `npm test` grades their exercises. */
function studentPackageJson(source: string): string {
  const json = JSON.parse(readFileSync(source, 'utf8')) as { scripts?: Record<string, string> };
  const scripts: Record<string, string> = {};
  for (const name of studentScripts) if (json.scripts?.[name]) scripts[name] = json.scripts[name];
  // A student checks their own code: the OS sandbox where the machine has one, without it elsewhere.
  scripts.test = 'npm run grade --silent -- --self-check';
  json.scripts = scripts;
  return JSON.stringify(json, null, 2) + '\n';
}

/** GitHub Classroom's autograding configuration: one test per exercise. */
export function autogradingConfig(course: Course): object {
  return {
    tests: course.exercises.map((exercise, index) => {
      const testFile = join(exerciseFolder(course, 'exercises', exercise), exercise.tests);
      const visible = existsSync(testFile) ? scanTests(readFileSync(testFile, 'utf8'), testFile).filter((test) => !test.hidden) : [];
      return {
        name: `${exercise.name}: ${exercise.title}`,
        setup: index === 0 ? 'npm ci' : '',
        run: `npm run grade --silent -- --exercise ${exercise.name} --tests exercises --self-check`,
        input: '',
        output: '',
        comparison: 'included',
        timeout: 10,
        points: visible.reduce((sum, test) => sum + test.points, 0),
      };
    }),
  };
}

const classroomWorkflow = `# Runs the autograding tests of .github/classroom/autograding.json on every push
# (GitHub Classroom reads the points from this run).
name: GitHub Classroom Workflow
on: [push]
permissions:
  checks: write
  actions: read
  contents: read
jobs:
  build:
    name: Autograding
    runs-on: ubuntu-latest
    if: github.actor != 'github-classroom[bot]'
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - uses: education/autograding@v1
`;

/** Student-side mocha settings: `npx mocha` runs the exercises' visible tests. */
const studentMocharc = {
  'node-option': ['import=tsx'],
  extension: ['ts'],
  spec: ['exercises/**/*.test.ts'],
  timeout: 30000,
};

/** Writes the student copy of `course` (the kit at `course.root`) into `outDir`. */
export function release(course: Course, outDir: string): ReleaseReport {
  const out = resolve(outDir);
  const root = resolve(course.root);
  if (out === root || root.startsWith(out + sep)) throw new Error(`the release folder ${out} cannot be the repository or hold it`);
  if (existsSync(out) && readdirSync(out).length > 0) throw new Error(`the release folder ${out} is not empty; give a new or empty folder`);
  const stale = generateExercises(course, { check: true });
  if (stale.stale.length > 0 || stale.extra.length > 0) {
    throw new Error(
      `exercises/ does not match solutions/ (${[...stale.stale, ...stale.extra].slice(0, 5).join(', ')}...): ` +
        'run "npm run exercises:generate" first',
    );
  }

  const count = { files: 0 };
  mkdirSync(out, { recursive: true });
  for (const entry of copied) {
    const from = join(root, entry);
    if (existsSync(from)) copyTree(from, join(out, entry), root, out, count);
  }
  if (existsSync(join(root, 'package.json'))) writeFileSync(join(out, 'package.json'), studentPackageJson(join(root, 'package.json')));
  writeFileSync(join(out, '.mocharc.json'), JSON.stringify(studentMocharc, null, 2) + '\n');
  mkdirSync(join(out, '.github', 'classroom'), { recursive: true });
  writeFileSync(join(out, '.github', 'classroom', 'autograding.json'), JSON.stringify(autogradingConfig(course), null, 2) + '\n');
  mkdirSync(join(out, '.github', 'workflows'), { recursive: true });
  writeFileSync(join(out, '.github', 'workflows', 'classroom.yml'), classroomWorkflow);
  count.files += 4;

  checkRelease(out);
  return { outDir: out, files: count.files, exercises: course.exercises.length };
}

/** Throws if a released folder holds solutions, the kit's tests, or a file with a marker left in. */
export function checkRelease(out: string): void {
  for (const forbidden of ['solutions', 'test', 'bench']) {
    if (existsSync(join(out, forbidden))) throw new Error(`the release holds ${forbidden}/`);
  }
  const exercisesDir = join(out, 'exercises');
  for (const file of listFiles(exercisesDir)) {
    if (/\.(ts|js|mjs|cjs)$/.test(file) && hasMarkers(readFileSync(join(exercisesDir, file), 'utf8'))) {
      throw new Error(`exercises/${file} still holds a SOLUTION or HIDDEN TESTS marker`);
    }
  }
}
