/**
 * Loaded by .mocharc.json before any test: rebuilds dist/ when a file in src/
 * is newer than the last build. The tests run src/ through tsx, but workers
 * and child processes run the compiled dist/ (Node 20 cannot start a .ts
 * file), so without this a single `npx mocha` after an edit would test the
 * edited code in the main thread and the old code in every worker.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { distRoot, kitRoot } from '../../src/paths.js';

function newestSource(folder: string): number {
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') || entry.name.endsWith('.cjs')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function lastBuild(): number {
  try {
    return statSync(join(distRoot, '.tsbuildinfo')).mtimeMs;
  } catch {
    return 0;
  }
}

if (newestSource(join(kitRoot, 'src')) > lastBuild()) {
  process.stderr.write('src/ changed since the last build: building dist/ first (npm run build)\n');
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: kitRoot, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed: the tests would run workers on stale code');
  // tsc leaves its build info alone when nothing compiled differs (a file only touched): mark the build as current.
  const now = new Date();
  utimesSync(join(distRoot, '.tsbuildinfo'), now, now);
}
