/**
 * Runs a notebook top to bottom on the tslab kernel, headless, and says which
 * cells failed. A cell fails when it throws, fails to type-check, writes to
 * stderr, is aborted by the kernel, or runs past its time bound.
 *
 * Two tslab habits shape the loop below. Errors (including type errors) reach
 * the notebook as stderr text, not as error outputs, so stderr counts as a
 * failure. And after a failing cell tslab drops every request that arrives
 * within about 200 ms ("abort"), so the runner pauses after a failure and sends
 * an aborted cell once more: every cell is run and reported, none is skipped.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { KernelClient, type CellOutput, type ExecutionResult } from './kernel-client.js';

export type FailureKind = 'error' | 'stderr' | 'aborted' | 'timeout';

export interface CellFailure {
  notebook: string;
  /** 1-based position of the cell in the notebook, counting every cell (as a reader counts them). */
  cell: number;
  kind: FailureKind;
  message: string;
}

export interface CellRun {
  cell: number;
  status: ExecutionResult['status'];
  durationMs: number;
  outputs: CellOutput[];
}

export interface NotebookRun {
  notebook: string;
  kernelStartMs: number;
  durationMs: number;
  cells: CellRun[];
  failures: CellFailure[];
}

export interface RunOptions {
  /** Time bound for one cell, in milliseconds (default 30 s, as nbgrader). */
  cellTimeoutMs?: number;
}

interface NotebookCell {
  cell_type: string;
  source: string | string[];
}

/** Pause after a failed cell: tslab drops requests for 200 ms after one. */
const PAUSE_AFTER_FAILURE_MS = 300;

/** Reads a notebook and checks that it is one the tslab kernel can run. */
export function readNotebook(path: string): NotebookCell[] {
  const absolute = resolve(path);
  if (!existsSync(absolute)) throw new Error(`notebook not found: ${path}`);
  let parsed: { cells?: NotebookCell[]; metadata?: { kernelspec?: { name?: string } } };
  try {
    parsed = JSON.parse(readFileSync(absolute, 'utf8'));
  } catch (error) {
    throw new Error(`${path} is not a notebook (invalid JSON: ${(error as Error).message})`, { cause: error });
  }
  const kernel = parsed.metadata?.kernelspec?.name;
  if (kernel !== 'tslab') {
    throw new Error(
      `${path} uses the kernel "${kernel ?? 'none'}", expected "tslab" (TypeScript); set metadata.kernelspec.name to "tslab"`,
    );
  }
  if (!Array.isArray(parsed.cells)) throw new Error(`${path} has no cells list`);
  return parsed.cells;
}

/** Runs every code cell of the notebook at `path` on a fresh tslab kernel. */
export async function runNotebook(path: string, options: RunOptions = {}): Promise<NotebookRun> {
  const cellTimeoutMs = options.cellTimeoutMs ?? 30_000;
  if (!(Number.isFinite(cellTimeoutMs) && cellTimeoutMs > 0)) {
    throw new RangeError(`cellTimeoutMs must be a positive number of milliseconds, got ${cellTimeoutMs}`);
  }
  const cells = readNotebook(path);
  const notebook = basename(path);
  const started = performance.now();
  const startKernel = () => KernelClient.start({ cwd: dirname(resolve(path)) });
  let kernel = await startKernel();
  const kernelStartMs = performance.now() - started;
  const run: NotebookRun = { notebook, kernelStartMs, durationMs: 0, cells: [], failures: [] };
  try {
    for (const [position, cell] of cells.entries()) {
      const code = Array.isArray(cell.source) ? cell.source.join('') : cell.source;
      if (cell.cell_type !== 'code' || code.trim() === '') continue;
      let result = await kernel.execute(code, cellTimeoutMs);
      if (result.status === 'aborted') {
        await pause(PAUSE_AFTER_FAILURE_MS);
        result = await kernel.execute(code, cellTimeoutMs);
      }
      run.cells.push({ cell: position + 1, status: result.status, durationMs: result.durationMs, outputs: result.outputs });
      const failure = judge(result, cellTimeoutMs);
      if (!failure) continue;
      run.failures.push({ notebook, cell: position + 1, ...failure });
      if (result.status === 'timeout') {
        // The interrupted cell may still hold the kernel: start afresh for the cells after it.
        await kernel.shutdown();
        kernel = await startKernel();
      } else {
        await pause(PAUSE_AFTER_FAILURE_MS);
      }
    }
  } finally {
    await kernel.shutdown();
    run.durationMs = performance.now() - started;
  }
  return run;
}

/** Decides whether a cell failed, and why. */
function judge(result: ExecutionResult, cellTimeoutMs: number): Omit<CellFailure, 'notebook' | 'cell'> | undefined {
  const stderr = result.outputs
    .filter(
      (output): output is Extract<CellOutput, { output_type: 'stream' }> => output.output_type === 'stream' && output.name === 'stderr',
    )
    .map((output) => output.text)
    .join('');
  const error = result.outputs.find((output) => output.output_type === 'error');
  if (result.status === 'timeout') {
    return { kind: 'timeout', message: `still running after ${cellTimeoutMs / 1000} s (interrupted)` };
  }
  if (result.status === 'aborted') {
    return { kind: 'aborted', message: 'the kernel aborted the cell without running it' };
  }
  if (error && error.output_type === 'error') return { kind: 'error', message: summarize(`${error.ename}: ${error.evalue}`) };
  if (result.status === 'error') return { kind: 'error', message: summarize(stderr || 'the cell failed with no message') };
  if (stderr.trim() !== '') return { kind: 'stderr', message: summarize(`wrote to stderr: ${stderr}`) };
  return undefined;
}

/** The first lines of a message, short enough for one line of a report. */
function summarize(text: string): string {
  const lines = text
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '');
  // tslab prints a thrown error as source location, code, caret, then "Error: message": lead with the message.
  const errorLine = lines.findIndex((line) => /^(Uncaught )?[A-Za-z]*Error\b/.test(line.trim()));
  const ordered = errorLine > 0 ? [lines[errorLine], ...lines.slice(0, errorLine)] : lines;
  const short = ordered.slice(0, 3).join(' | ');
  return short.length > 400 ? `${short.slice(0, 397)}...` : short;
}

/** `notebook › cell N: message`, the form every failure is reported in. */
export function formatFailure(failure: CellFailure): string {
  return `${failure.notebook} › cell ${failure.cell}: ${failure.message}`;
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
