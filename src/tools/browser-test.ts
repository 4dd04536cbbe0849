/**
 * `npm run test:browser [notebook...] [--timeout seconds]`: the course in a real
 * browser (browser/run-browser-test.ts). Opens each notebook (all of notebooks/
 * by default) in Jupyter in headless Chromium, runs all cells as a student
 * would, and checks that no cell shows an error or stderr, that no cell was
 * left unrun, and that every image loaded with a non-zero size. A screenshot of
 * each notebook goes to test-output/browser/.
 *
 * Ends with the line "N passed, N failed"; exit code 1 when a notebook failed,
 * 2 on bad arguments or a missing browser or Jupyter.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseCommandLine, readPositiveNumber, runCommand } from '../engine/command-line.js';
import { kitRoot } from '../paths.js';
import { runBrowserTest, screenshotDir, type BrowserTestOptions } from './browser/run-browser-test.js';

const usage = 'usage: npm run test:browser -- [notebook.ipynb ...] [--timeout seconds]';

function parseArguments(argv: readonly string[]): BrowserTestOptions {
  const { values, positionals } = parseCommandLine(argv, { usage, allowPositionals: true, options: { timeout: { type: 'string' } } });
  return {
    notebooks: positionals.map((given) => (existsSync(given) ? resolve(given) : given)),
    notebookTimeoutMs: values.timeout === undefined ? undefined : readPositiveNumber(values.timeout, '--timeout', 'seconds') * 1000,
  };
}

/** Like pytest's cache folder: the output folder ignores itself, so it never lands in git. */
function ignoreOutputFolder(): void {
  mkdirSync(join(kitRoot, 'test-output'), { recursive: true });
  const ignore = join(kitRoot, 'test-output', '.gitignore');
  if (!existsSync(ignore)) writeFileSync(ignore, '# Created by npm run test:browser: screenshots are not committed.\n*\n');
}

async function main(): Promise<number> {
  const options = parseArguments(process.argv.slice(2));
  const started = Date.now();
  const checks = await runBrowserTest({ ...options, log: (line) => console.log(line) });
  ignoreOutputFolder();
  const failed = checks.filter((check) => !check.ok).length;
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  console.log(`browser test: ${checks.length} notebook(s) in ${seconds} s; screenshots in ${relative(kitRoot, screenshotDir)}/`);
  console.log(`${checks.length - failed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

// A missing browser or Jupyter, or a notebook that is not there: one line, exit code 2.
await runCommand(main, { otherErrorsExitCode: 2 });
