/**
 * `npm run exercises:generate [-- --check] [--root folder] [--exercise name...]`:
 * writes the student copies in exercises/ from solutions/ (generate.ts).
 * With --check nothing is written: the command fails (exit 1) if a committed
 * student copy is missing or differs from what generation produces, or if a
 * generated folder holds files generation does not produce.
 */
import { resolve } from 'node:path';
import { parseCommandLine, runCommand } from '../../engine/command-line.js';
import { kitRoot } from '../../paths.js';
import { generateExercises } from '../generate.js';
import { findExercise, loadCourse } from '../manifest.js';

const usage = 'usage: npm run exercises:generate -- [--check] [--root folder] [--exercise name]';

function main(argv: readonly string[]): number {
  const { values } = parseCommandLine(argv, {
    usage,
    options: {
      check: { type: 'boolean' },
      root: { type: 'string' },
      exercise: { type: 'string', multiple: true },
    },
  });
  const check = values.check ?? false;
  const only = values.exercise ?? [];
  const course = loadCourse(values.root === undefined ? kitRoot : resolve(values.root));
  only.forEach((name) => findExercise(course, name));
  const report = generateExercises(course, { check, only: only.length > 0 ? only : undefined });
  const total = report.written.length + report.unchanged.length + report.stale.length;
  for (const file of report.written) console.log(`wrote ${file}`);
  for (const file of report.extra) console.log(`${check ? 'extra' : 'note: not generated, left alone'}: ${file}`);
  if (check) {
    for (const file of report.stale) console.log(`stale: ${file}`);
    if (report.stale.length > 0 || report.extra.length > 0) {
      console.error(
        `${report.stale.length} stale and ${report.extra.length} extra file(s): run "npm run exercises:generate" and commit exercises/`,
      );
      return 1;
    }
    console.log(`exercises/ is up to date (${total} files, ${course.exercises.length} exercises)`);
    return 0;
  }
  console.log(`${report.written.length} written, ${report.unchanged.length} unchanged (${course.exercises.length} exercises)`);
  return 0;
}

await runCommand(() => main(process.argv.slice(2)), { otherErrorsExitCode: 2 });
