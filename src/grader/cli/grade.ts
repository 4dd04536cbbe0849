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
 *   --jobs <n>             class only: sandboxes at once (default: CPU count)
 *   --verbose              every test of every exercise
 *
 * Exit code: 0 when everything graded passes, 1 when something does not,
 * 2 when the command itself is wrong (unknown exercise, missing folder...).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { kitRoot } from '../../paths.js';
import { gradeClass, listStudents, progressBar } from '../class.js';
import { gradeSubmission, submissionExercisesDir } from '../grade.js';
import { findExercise, loadCourse, type Course } from '../manifest.js';
import { formatGradebook, formatJUnit, formatTable, formatTests } from '../report.js';
import type { SubmissionResult } from '../results.js';
import { killRunSandboxes } from '../sandbox.js';

const usage =
  'usage: npm run grade -- [folder] [--exercise name] [--class] [--json file] [--junit file] [--gradebook file] ' +
  '[--tests solutions|exercises] [--root folder] [--jobs n] [--verbose]';

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
  verbose: boolean;
}

class UsageError extends Error {}

function parseArguments(argv: string[]): GradeCommand {
  const command: GradeCommand = { folder: kitRoot, asClass: false, root: kitRoot, verbose: false };
  let folder: string | undefined;
  const value = (index: number, flag: string) => {
    const text = argv[index];
    if (text === undefined || text.startsWith('--')) throw new UsageError(`${flag} needs a value; ${usage}`);
    return text;
  };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    switch (flag) {
      case '--exercise':
        command.exercise = value(++i, flag);
        break;
      case '--class':
        command.asClass = true;
        break;
      case '--json':
        command.json = value(++i, flag);
        break;
      case '--junit':
        command.junit = value(++i, flag);
        break;
      case '--gradebook':
        command.gradebook = value(++i, flag);
        break;
      case '--root':
        command.root = resolve(value(++i, flag));
        break;
      case '--tests': {
        const side = value(++i, flag);
        if (side !== 'solutions' && side !== 'exercises') throw new UsageError(`--tests must be "solutions" or "exercises", got "${side}"`);
        command.tests = side;
        break;
      }
      case '--jobs': {
        const jobs = Number(value(++i, flag));
        if (!(Number.isInteger(jobs) && jobs > 0)) throw new UsageError(`--jobs must be a positive whole number, got "${argv[i]}"`);
        command.jobs = jobs;
        break;
      }
      case '--verbose':
        command.verbose = true;
        break;
      default:
        if (flag.startsWith('--')) throw new UsageError(`unknown option ${flag}; ${usage}`);
        if (folder !== undefined) throw new UsageError(`one folder only (got "${folder}" and "${flag}"); ${usage}`);
        folder = flag;
    }
  }
  if (folder !== undefined) command.folder = resolve(folder);
  return command;
}

/** A class folder holds no exercises itself, but its subfolders do. */
function looksLikeClass(course: Course, folder: string): boolean {
  const holdsExercises = (dir: string) => {
    const exercisesDir = submissionExercisesDir(dir);
    return course.exercises.some((exercise) => existsSync(join(exercisesDir, exercise.unit)));
  };
  if (holdsExercises(folder)) return false;
  return readdirSync(folder, { withFileTypes: true }).some((entry) => entry.isDirectory() && holdsExercises(join(folder, entry.name)));
}

async function main(): Promise<number> {
  let command: GradeCommand;
  let course: Course;
  try {
    command = parseArguments(process.argv.slice(2));
    course = loadCourse(command.root);
    if (course.exercises.length === 0) throw new UsageError(`${course.manifestPath} lists no exercises: nothing to grade`);
    if (command.exercise) findExercise(course, command.exercise);
    if (!existsSync(command.folder) || !statSync(command.folder).isDirectory()) throw new UsageError(`${command.folder} is not a folder`);
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    return 2;
  }

  const controller = new AbortController();
  const runId = randomUUID();
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: stopping the sandboxes`);
    controller.abort();
    killRunSandboxes(runId);
    process.exitCode = 130;
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
      runId,
      signal: controller.signal,
      name: command.folder === kitRoot ? 'submission' : undefined,
    });
    results = [result];
    if (command.verbose || command.exercise) console.log(result.exercises.map((exercise) => formatTests(exercise)).join('\n') + '\n');
    console.log(formatTable(result));
  }

  if (command.json) {
    const json = asClass ? { version: 3, submissions: results } : command.exercise ? results[0].exercises[0] : results[0];
    writeFileSync(command.json, JSON.stringify(json, null, 2) + '\n');
    console.error(`results written to ${resolve(command.json)}`);
  }
  if (command.junit) {
    writeFileSync(command.junit, formatJUnit(results));
    console.error(`JUnit XML written to ${resolve(command.junit)}`);
  }
  if (controller.signal.aborted) return 130;
  return results.every((result) => result.status === 'pass') ? 0 : 1;
}

try {
  process.exitCode = await main();
} catch (error) {
  if (process.exitCode === 130) {
    console.error('grading stopped; nothing is left running');
  } else {
    console.error(`error: ${(error as Error).message}`);
    process.exitCode = 2;
  }
}
