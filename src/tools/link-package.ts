/**
 * Run after every build: makes `node_modules/course-kit` a link to this folder,
 * so notebooks can `import { Thread } from 'course-kit'`.
 *
 * Why notebooks import the kit by package name and not as `../src/...`: tslab
 * compiles only the .ts files under the notebook's own folder (its TypeScript
 * rootDir is the kernel's working directory), so `notebooks/*.ipynb` cannot
 * compile `src/`. Through the package, tslab loads the compiled JavaScript in
 * dist/ and its type declarations, the same code workers and tests run.
 */
import { lstatSync, mkdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { kitRoot } from '../paths.js';

const link = join(kitRoot, 'node_modules', 'course-kit');
const target = relative(join(kitRoot, 'node_modules'), kitRoot) || '..';

function currentTarget(): string | undefined {
  try {
    return lstatSync(link).isSymbolicLink() ? readlinkSync(link) : 'not a link';
  } catch {
    return undefined;
  }
}

const existing = currentTarget();
if (existing !== target) {
  if (existing !== undefined) rmSync(link, { recursive: true, force: true });
  mkdirSync(join(kitRoot, 'node_modules'), { recursive: true });
  symlinkSync(target, link, 'dir');
}
