/**
 * `npm run notebooks [paths...] [--timeout seconds]`: runs notebooks headless on
 * the tslab kernel (all of notebooks/ by default) and reports every failing cell
 * as `notebook › cell N: message`, then a table of times. Exit code 1 when any
 * cell failed, 2 on bad input.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseCommandLine, readPositiveNumber, runCommand, UsageError } from '../engine/command-line.js';
import { kitRoot } from '../paths.js';
import { formatFailure, readNotebook, runNotebook, type NotebookRun } from './notebook-runner.js';

const usage = 'usage: npm run notebooks -- [notebook.ipynb ...] [--timeout seconds]';

function parseArguments(argv: readonly string[]): { paths: string[]; cellTimeoutMs: number } {
  const { values, positionals } = parseCommandLine(argv, { usage, allowPositionals: true, options: { timeout: { type: 'string' } } });
  const cellTimeoutMs = values.timeout === undefined ? 30_000 : readPositiveNumber(values.timeout, '--timeout', 'seconds') * 1000;
  if (positionals.length > 0) return { paths: positionals, cellTimeoutMs };
  const folder = join(kitRoot, 'notebooks');
  const paths = readdirSync(folder)
    .filter((name) => name.endsWith('.ipynb'))
    .sort()
    .map((name) => join(folder, name));
  return { paths, cellTimeoutMs };
}

/** Reads each notebook before any runs: a missing or foreign one is the command's mistake. */
function checkNotebooks(paths: string[]): void {
  for (const path of paths) {
    try {
      readNotebook(path);
    } catch (error) {
      throw new UsageError((error as Error).message, { cause: error });
    }
  }
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
  const options = parseArguments(process.argv.slice(2));
  checkNotebooks(options.paths);
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
await runCommand(main);
