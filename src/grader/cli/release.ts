/**
 * `npm run release -- <out dir> [--root folder]`: writes the student copy of
 * the repository (release.ts): no solutions, no hidden tests, with GitHub
 * Classroom's autograding configuration. Exit code 2 on a problem, saying what.
 */
import { resolve } from 'node:path';
import { parseCommandLine, runCommand, UsageError } from '../../engine/command-line.js';
import { kitRoot } from '../../paths.js';
import { loadCourse } from '../manifest.js';
import { release } from '../release.js';

const usage = 'usage: npm run release -- <out dir> [--root folder]';

function main(argv: readonly string[]): number {
  const { values, positionals } = parseCommandLine(argv, { usage, allowPositionals: true, options: { root: { type: 'string' } } });
  if (positionals.length !== 1) {
    const got = positionals.length === 0 ? 'none' : positionals.map((folder) => `"${folder}"`).join(' and ');
    throw new UsageError(`expected one output folder, got ${got}; ${usage}`);
  }
  const report = release(loadCourse(values.root === undefined ? kitRoot : resolve(values.root)), positionals[0]);
  console.log(
    `student copy written to ${report.outDir}: ${report.files} files, ${report.exercises} exercises, no solutions or hidden tests`,
  );
  console.log('next: create the GitHub Classroom assignment from a repository holding that folder');
  return 0;
}

await runCommand(() => main(process.argv.slice(2)), { otherErrorsExitCode: 2 });
