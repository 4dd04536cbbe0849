/**
 * The browser test's verdict on one notebook: run all its cells in a page,
 * then one line per problem (a cell with an error or stderr, a cell left
 * unrun, an image that did not load, an error of the page itself), with a
 * screenshot of the whole notebook.
 */
import { mkdirSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import type { Browser } from 'playwright-core';
import { kitRoot } from '../../paths.js';
import {
  newNotebookPage,
  openAndRunAll,
  readCells,
  screenshotWholeNotebook,
  waitForImages,
  waitUntilIdle,
  type CellReport,
} from './notebook-page.js';
import type { PrivateJupyter } from './private-jupyter.js';

export interface NotebookCheck {
  notebook: string;
  ok: boolean;
  cells: number;
  images: number;
  durationMs: number;
  screenshot?: string;
  /** One line per problem: "cell 4: error: ..." */
  problems: string[];
}

export interface CheckPlace {
  jupyter: PrivateJupyter;
  /** The folder Jupyter serves. */
  notebookDir: string;
  screenshotDir: string;
}

function summarize(text: string, max = 300): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

/** A check that failed without running the notebook (a time bound, a file changed on disk). */
export function failedCheck(notebook: string, problem: string): NotebookCheck {
  return { notebook, ok: false, cells: 0, images: 0, durationMs: 0, problems: [problem] };
}

/** The problems the cells show; `alreadyFailing` when the run itself failed (then later cells are skipped by the kernel). */
export function cellProblems(cells: CellReport[], alreadyFailing: boolean): string[] {
  const problems: string[] = [];
  for (const cell of cells) {
    const where = `cell ${cell.index + 1}`;
    const failedBefore = alreadyFailing || problems.length > 0;
    for (const error of cell.errors) problems.push(`${where}: error: ${summarize(error)}`);
    if (cell.stderr.trim() !== '') problems.push(`${where}: stderr: ${summarize(cell.stderr)}`);
    if (cell.badImages > 0) problems.push(`${where}: ${cell.badImages} of ${cell.images} image(s) did not load or have no size`);
    if (!cell.ran && !cell.empty)
      problems.push(`${where}: did not run${failedBefore ? ' (the kernel skips the cells after a failure)' : ''}`);
  }
  return problems;
}

/**
 * Runs one notebook in a new page until idle or `deadline` (epoch ms), and
 * reports what it shows; the page and the kernel are closed after.
 */
export async function checkNotebook(browser: Browser, place: CheckPlace, file: string, deadline: number): Promise<NotebookCheck> {
  const started = Date.now();
  const name = basename(file);
  const notebookPath = relative(place.notebookDir, file).split('\\').join('/');
  const check: NotebookCheck = { notebook: name, ok: false, cells: 0, images: 0, durationMs: 0, problems: [] };
  const { page, pageErrors } = await newNotebookPage(browser);
  try {
    await openAndRunAll(page, place.jupyter.notebookUrl(notebookPath));
    if (!(await waitUntilIdle(page, deadline))) {
      check.problems.push(`still running after ${Math.round((Date.now() - started) / 1000)} s (time bound)`);
    }
    await waitForImages(page);
    const cells = await readCells(page);
    check.cells = cells.length;
    check.images = cells.reduce((sum, cell) => sum + cell.images, 0);
    check.problems.push(...cellProblems(cells, check.problems.length > 0));
    mkdirSync(place.screenshotDir, { recursive: true });
    const shot = join(place.screenshotDir, name.replace(/\.ipynb$/, '.png'));
    await screenshotWholeNotebook(page, shot).then(
      () => (check.screenshot = shot),
      (error: Error) => check.problems.push(`screenshot failed: ${summarize(error.message)}`),
    );
  } catch (error) {
    check.problems.push(summarize((error as Error).message));
  } finally {
    await place.jupyter
      .shutDownKernel(notebookPath)
      .catch((error: Error) => check.problems.push(`could not shut the kernel down: ${summarize(error.message)}`));
    await page.close().catch(() => undefined);
  }
  if (pageErrors.length > 0) check.problems.push(`page errors: ${summarize(pageErrors.join('; '))}`);
  check.ok = check.problems.length === 0;
  check.durationMs = Date.now() - started;
  return check;
}

export function formatCheck(check: NotebookCheck): string {
  const head =
    `${check.ok ? 'ok  ' : 'FAIL'} ${check.notebook}: ${check.cells} code cells, ${check.images} image(s), ` +
    `${(check.durationMs / 1000).toFixed(1)} s` +
    (check.screenshot ? ` → ${relative(kitRoot, check.screenshot)}` : '');
  return [head, ...check.problems.map((problem) => `       ${problem}`)].join('\n');
}
