/**
 * What an OS sandbox of the grader sees of the kit, at /kit: its package.json,
 * its compiled library (dist/) and the packages exercise code and the
 * library's units import at run time, each bound on its own. Never
 * solutions/, src/, test/ or the instructor's other files, and no package the
 * run does not need (not the notebook's tslab, the tools' zeromq, tsx).
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { ReadOnlyMount } from '../../engine/os-sandbox.js';
import { distRoot, kitRoot } from '../../paths.js';

interface Manifest {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

function readManifest(folder: string): Manifest {
  return JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as Manifest;
}

/**
 * The packages a test run may import: what the units' code imports (p-limit;
 * chart.js and the canvas load only when a chart is drawn) and what exercises
 * use (node-html-parser, in the crawler).
 */
export const EXERCISE_PACKAGES = ['p-limit', 'node-html-parser', 'chart.js', '@napi-rs/canvas'];

/**
 * `EXERCISE_PACKAGES` and `extra`, with their dependencies, as name → real
 * folder. Packages that are not installed (optional ones) are skipped.
 */
export function packageClosure(extra: string[] = []): Map<string, string> {
  const modules = join(kitRoot, 'node_modules');
  const found = new Map<string, string>();
  const visit = (name: string) => {
    if (found.has(name) || name === 'course-kit') return;
    const folder = join(modules, name);
    if (!existsSync(join(folder, 'package.json'))) return;
    found.set(name, realpathSync(folder));
    const manifest = readManifest(folder);
    for (const dependency of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) visit(dependency);
  };
  for (const name of [...EXERCISE_PACKAGES, ...extra]) visit(name);
  return found;
}

const views = new Map<string, { mounts: ReadOnlyMount[]; dirs: string[] }>();

/** The mounts (and the folders to create for them) that show the kit at /kit. */
export function kitView(extra: string[] = []): { mounts: ReadOnlyMount[]; dirs: string[] } {
  const key = extra.join(',');
  const cached = views.get(key);
  if (cached) return cached;
  const mounts: ReadOnlyMount[] = [
    { from: join(kitRoot, 'package.json'), to: '/kit/package.json' },
    { from: distRoot, to: '/kit/dist' },
  ];
  const dirs = new Set(['/kit', '/kit/node_modules']);
  for (const [name, folder] of packageClosure(extra)) {
    if (name.startsWith('@')) dirs.add(`/kit/node_modules/${name.split('/')[0]}`);
    mounts.push({ from: folder, to: `/kit/node_modules/${name}` });
  }
  const view = { mounts, dirs: [...dirs] };
  views.set(key, view);
  return view;
}
