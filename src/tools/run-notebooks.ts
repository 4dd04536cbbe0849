/**
 * `npm run notebooks [paths...] [--timeout seconds]`: runs notebooks headless on
 * the tslab kernel (all of notebooks/ by default) and reports every failing cell
 * as `notebook › cell N: message`, then a table of times. Exit code 1 when any
 * cell failed, 2 on bad input.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { kitRoot } from '../paths.js';
import { formatFailure, readNotebook, runNotebook, type NotebookRun } from './notebook-runner.js';

function parseArguments(argv: string[]): { paths: string[]; cellTimeoutMs: number } {
  const paths: string[] = [];
  let cellTimeoutMs = 30_000;
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--timeout') {
      const seconds = Number(argv[++i]);
      if (!(Number.isFinite(seconds) && seconds > 0)) {
        throw new Error(`--timeout must be a positive number of seconds, got ${argv[i] ?? 'nothing'}`);
      }
      cellTimeoutMs = seconds * 1000;
    } else {
      paths.push(argv[i]);
    }
  }
  if (paths.length === 0) {
    const folder = join(kitRoot, 'notebooks');
    paths.push(
      ...readdirSync(folder)
        .filter((name) => name.endsWith('.ipynb'))
        .sort()
        .map((name) => join(folder, name)),
    );
  }
  return { paths, cellTimeoutMs };
}

function report(run: NotebookRun): void {
  const slowest = [...run.cells].sort((a, b) => b.durationMs - a.durationMs)[0];
  const mark = run.failures.length === 0 ? 'ok  ' : 'FAIL';
  console.log(
    `${mark} ${run.notebook}: ${run.cells.length} cells in ${(run.durationMs / 1000).toFixed(1)} s ` +
      `(kernel start ${(run.kernelStartMs / 1000).toFixed(1)} s` +
      (slowest ? `, slowest cell ${slowest.cell}: ${(slowest.durationMs / 1000).toFixed(1)} s)` : ')'),
  );
  for (const failure of run.failures) console.log(`  ${formatFailure(failure)}`);
}

async function main(): Promise<number> {
  let options: ReturnType<typeof parseArguments>;
  try {
    options = parseArguments(process.argv.slice(2));
    for (const path of options.paths) readNotebook(path);
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    return 2;
  }
  let failed = 0;
  for (const path of options.paths) {
    const run = await runNotebook(path, { cellTimeoutMs: options.cellTimeoutMs });
    report(run);
    failed += run.failures.length;
  }
  console.log(failed === 0 ? 'all notebooks ran cleanly' : `${failed} failing cell(s)`);
  return failed === 0 ? 0 : 1;
}

process.once('SIGINT', () => {
  console.error('interrupted: stopping kernels');
  process.exit(130);
});
process.exitCode = await main();
