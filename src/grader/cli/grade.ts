/**
 * `npm run grade -- [folder] [options]`: grades one submission, or a class
 * folder (one subfolder per student), and prints a table.
 *
 *   folder                 a submission (a student's copy of the repo, or its
 *                          exercises/ folder) or a class folder; default: this repo
 *   --exercise <name>      only this exercise
 *   --class                the folder is a class folder (found by itself when
 *                          the folder holds no exercises but its subfolders do)
 *   --json <file>          results as JSON (Exercism results.json v3 shape)
 *   --junit <file>         results as JUnit XML
 *   --gradebook <file>     class only: the gradebook CSV (default gradebook.csv)
 *   --tests <side>         "solutions" (instructor's tests, with hidden ones) or
 *                          "exercises" (the visible ones); default: solutions if present
 *   --root <folder>        the course (manifest, solutions); default: this repo
 *   --jobs <n>             class only: exercises graded at once (default: CPU count)
 *   --reveal-hidden        show what hidden tests said and printed (instructor only)
 *   --unsafe-no-sandbox    grade without the OS sandbox (where bubblewrap cannot
 *                          run); every output says so
 *   --self-check           a student checking their own code (npm test, GitHub
 *                          Classroom): the OS sandbox when this machine has one,
 *                          else without it, said in one line
 *   --verbose              every test of every exercise
 *
 * Exit code: 0 when everything graded passes, 1 when something does not,
 * 2 when the command itself is wrong (unknown exercise, missing folder, no
 * sandbox on this machine...), 130 when interrupted (what was graded is still
 * written).
 */
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseCommandLine, readOneOf, readWholeNumber, runCommand, UsageError } from '../../engine/command-line.js';
import { kitRoot } from '../../paths.js';
import { gradeClass, listStudents, progressBar } from '../class.js';
import { gradeSubmission } from '../grade.js';
import { findExercise, loadCourse, type Course } from '../manifest.js';
import { formatGradebook, formatJUnit, formatTable, formatTests, sandboxBanner } from '../report.js';
import type { SubmissionResult } from '../results.js';
import { chooseIsolation } from '../sandbox/launch.js';
import { exercisesFolderOf } from '../submission.js';

const usage =
  'usage: npm run grade -- [folder] [--exercise name] [--class] [--json file] [--junit file] [--gradebook file] ' +
  '[--tests solutions|exercises] [--root folder] [--jobs n] [--reveal-hidden] [--unsafe-no-sandbox | --self-check] [--verbose]';

interface GradeCommand {
  folder: string;
  exercise?: string;
  asClass: boolean;
  json?: string;
  junit?: string;
  gradebook?: string;
  tests?: 'solutions' | 'exercises';
  root: string;
  jobs?: number;
  revealHidden: boolean;
  /** 'os' by default; 'none' with --unsafe-no-sandbox; 'best' with --self-check. */
  isolation: 'os' | 'none' | 'best';
  verbose: boolean;
}

function parseArguments(argv: readonly string[]): GradeCommand {
  const { values, positionals } = parseCommandLine(argv, {
    allowPositionals: true,
    usage,
    options: {
      exercise: { type: 'string' },
      class: { type: 'boolean' },
      json: { type: 'string' },
      junit: { type: 'string' },
      gradebook: { type: 'string' },
      tests: { type: 'string' },
      root: { type: 'string' },
      jobs: { type: 'string' },
      'reveal-hidden': { type: 'boolean' },
      'unsafe-no-sandbox': { type: 'boolean' },
      'self-check': { type: 'boolean' },
      verbose: { type: 'boolean' },
    },
  });
  if (positionals.length > 1) throw new UsageError(`one folder only (got ${positionals.map((p) => `"${p}"`).join(' and ')}); ${usage}`);
  if (values['unsafe-no-sandbox'] && values['self-check']) throw new UsageError('--unsafe-no-sandbox and --self-check cannot go together');
  return {
    folder: positionals[0] === undefined ? kitRoot : resolve(positionals[0]),
    exercise: values.exercise,
    asClass: values.class ?? false,
    json: values.json,
    junit: values.junit,
    gradebook: values.gradebook,
    tests: values.tests === undefined ? undefined : readOneOf(values.tests, '--tests', ['solutions', 'exercises']),
    root: values.root === undefined ? kitRoot : resolve(values.root),
    jobs: values.jobs === undefined ? undefined : readWholeNumber(values.jobs, '--jobs', 1),
    revealHidden: values['reveal-hidden'] ?? false,
    isolation: values['unsafe-no-sandbox'] ? 'none' : values['self-check'] ? 'best' : 'os',
    verbose: values.verbose ?? false,
  };
}

/** A class folder holds no exercises itself, but its subfolders do. */
function looksLikeClass(course: Course, folder: string): boolean {
  const holdsExercises = (dir: string) => {
    const located = exercisesFolderOf(dir);
    return 'folder' in located && course.exercises.some((exercise) => existsSync(join(located.folder, exercise.unit)));
  };
  if (holdsExercises(folder)) return false;
  return readdirSync(folder, { withFileTypes: true }).some((entry) => entry.isDirectory() && holdsExercises(join(folder, entry.name)));
}

/** Writes the JSON and JUnit files asked for (also after an interruption: what was graded). */
function writeOutputs(command: GradeCommand, results: SubmissionResult[], asClass: boolean): void {
  if (command.json) {
    const json = asClass ? { version: 3, submissions: results } : command.exercise ? results[0].exercises[0] : results[0];
    writeFileSync(command.json, JSON.stringify(json, null, 2) + '\n');
    console.error(`results written to ${resolve(command.json)}`);
  }
  if (command.junit) {
    writeFileSync(command.junit, formatJUnit(results));
    console.error(`JUnit XML written to ${resolve(command.junit)}`);
  }
}

async function main(): Promise<number> {
  // Every error up to the grading is the command's (exit code 2): runCommand prints it in one line.
  const command = parseArguments(process.argv.slice(2));
  const course = loadCourse(command.root);
  if (course.exercises.length === 0) throw new UsageError(`${course.manifestPath} lists no exercises: nothing to grade`);
  if (command.exercise) findExercise(course, command.exercise);
  if (!existsSync(command.folder) || !statSync(command.folder).isDirectory()) throw new UsageError(`${command.folder} is not a folder`);
  const { note } = chooseIsolation(command.isolation); // no sandbox here: one line, exit 2
  if (command.isolation === 'none')
    console.error('!!! UNSAFE: grading without the OS sandbox (--unsafe-no-sandbox): submissions can read and write what you can !!!');
  else if (note) console.error(`note: ${note}; fine for checking your own code, grades come from your instructor`);
  const isolation = command.isolation;

  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: stopping the sandboxes; what was graded is still written`);
    controller.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const asClass = command.asClass || looksLikeClass(course, command.folder);
  let results: SubmissionResult[];
  if (asClass) {
    const students = listStudents(command.folder);
    console.error(`grading ${students.length} submissions in ${command.folder}`);
    const live = process.stderr.isTTY;
    results = await gradeClass(course, command.folder, {
      exercise: command.exercise,
      testsFrom: command.tests,
      size: command.jobs,
      isolation,
      revealHidden: command.revealHidden,
      signal: controller.signal,
      onProgress: (done, total, job) => {
        const line = progressBar(done, total, `${job.student}/${job.exercise}`);
        if (live) process.stderr.write(`\r${line}\x1b[K`);
        else if (done === total || done % Math.max(1, Math.ceil(total / 10)) === 0) process.stderr.write(`${line}\n`);
      },
    });
    if (live) process.stderr.write('\n');
    const names = command.exercise ? [command.exercise] : course.exercises.map((exercise) => exercise.name);
    const gradebook = command.gradebook ?? 'gradebook.csv';
    writeFileSync(gradebook, formatGradebook(names, results));
    for (const result of results) {
      console.log(`\n== ${result.submission}`);
      console.log(command.verbose ? result.exercises.map((exercise) => formatTests(exercise)).join('\n') : formatTable(result));
    }
    console.error(`gradebook written to ${resolve(gradebook)}`);
  } else {
    const result = await gradeSubmission(course, command.folder, {
      exercise: command.exercise,
      testsFrom: command.tests,
      isolation,
      revealHidden: command.revealHidden,
      signal: controller.signal,
      name: command.folder === kitRoot ? 'submission' : undefined,
    });
    results = [result];
    if (command.verbose || command.exercise) console.log(result.exercises.map((exercise) => formatTests(exercise)).join('\n') + '\n');
    console.log(formatTable(result));
  }
  writeOutputs(command, results, asClass);
  const banner = sandboxBanner(results);
  if (banner) console.error(banner);
  if (controller.signal.aborted) {
    console.error('grading stopped; nothing is left running');
    return 130;
  }
  return results.every((result) => result.status === 'pass') ? 0 : 1;
}

await runCommand(main, { otherErrorsExitCode: 2 });
