/**
 * `npm run bench`: runs every bench/*.bench.ts file, one after another, each in
 * its own process (so one benchmark's workers and heap do not disturb the next),
 * and passes their tables through. `npm run bench -- pools` runs only the files
 * whose name contains "pools".
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => filters.length === 0 || filters.some((filter) => name.includes(filter)))
  .sort();

if (files.length === 0) {
  console.error(`No benchmark matches ${filters.join(', ')}. Files: bench/*.bench.ts`);
  process.exit(2);
}

let failed = 0;
for (const file of files) {
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, file)], { stdio: 'inherit' });
    child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
  });
  if (code !== 0) {
    failed += 1;
    console.error(`${file} exited with code ${code}`);
  }
}
process.exit(failed === 0 ? 0 : 1);
