/**
 * Paths inside the kit. Worker threads and child processes must be started from
 * JavaScript (Node 20 cannot run a .ts file), so every entry point a worker or
 * child runs is taken from dist/, the compiled copy of src/ that `npm run build`
 * writes (npm ci, npm start and npm test build it for you).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import packageRoot from './package-root.cjs';

export const kitRoot: string = packageRoot;
export const distRoot: string = join(kitRoot, 'dist');

/**
 * The compiled JavaScript for a file under src/, e.g.
 * `compiledEntry('engine/pool/worker-entry.ts')` → `<kit>/dist/engine/pool/worker-entry.js`
 * (and a CommonJS source, `.cts`, → `.cjs`).
 * Throws a clear error when the kit has not been built.
 */
export function compiledEntry(sourceRelativeToSrc: string): string {
  const file = join(distRoot, sourceRelativeToSrc.replace(/\.ts$/, '.js').replace(/\.cts$/, '.cjs'));
  if (!existsSync(file)) {
    throw new Error(
      `The compiled file ${file} is missing. Run "npm run build" in ${kitRoot} ` +
        '(workers and child processes run the compiled JavaScript in dist/).',
    );
  }
  return file;
}
