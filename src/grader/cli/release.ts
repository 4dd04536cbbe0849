/**
 * `npm run release -- <out dir> [--root folder]`: writes the student copy of
 * the repository (release.ts): no solutions, no hidden tests, with GitHub
 * Classroom's autograding configuration. Exit code 2 on a problem, saying what.
 */
import { resolve } from 'node:path';
import { kitRoot } from '../../paths.js';
import { loadCourse } from '../manifest.js';
import { release } from '../release.js';

const usage = 'usage: npm run release -- <out dir> [--root folder]';

function main(argv: string[]): number {
  let root = kitRoot;
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--root' && argv[i + 1]) root = resolve(argv[++i]);
    else if (argv[i].startsWith('--')) throw new Error(`unknown option ${argv[i]}; ${usage}`);
    else positional.push(argv[i]);
  }
  if (positional.length !== 1) throw new Error(`expected one output folder; ${usage}`);
  const report = release(loadCourse(root), positional[0]);
  console.log(
    `student copy written to ${report.outDir}: ${report.files} files, ${report.exercises} exercises, no solutions or hidden tests`,
  );
  console.log('next: create the GitHub Classroom assignment from a repository holding that folder');
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  console.error(`error: ${(error as Error).message}`);
  process.exitCode = 2;
}
