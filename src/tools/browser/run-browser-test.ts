/**
 * The course in a real browser: starts a private Jupyter Notebook (classic,
 * from Debian) with the tslab kernel, opens each notebook in headless Chromium,
 * runs all cells as a student would and checks what the page shows
 * (notebook-check.ts). Jupyter, its kernels and the browser are stopped at the
 * end, also on failure and on Ctrl-C. Nothing is saved: the notebooks on disk
 * are checked to be unchanged.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { kitRoot } from '../../paths.js';
import { findJupyter, installHelp, registerKernel } from '../jupyter.js';
import { checkChromiumInstalled, CHROMIUM_PATH, launchChromium } from './chromium.js';
import { checkNotebook, failedCheck, formatCheck, type NotebookCheck } from './notebook-check.js';
import { startPrivateJupyter, type PrivateJupyter } from './private-jupyter.js';

export const screenshotDir = join(kitRoot, 'test-output', 'browser');

export interface BrowserTestOptions {
  /** The folder Jupyter serves (default notebooks/; tests use fixtures). */
  notebookDir?: string;
  /** Notebook files in that folder (default: every *.ipynb in it). */
  notebooks?: string[];
  /** Where the screenshots go (default test-output/browser/). */
  screenshotDir?: string;
  /** Time bound for one notebook, from opening to idle (default 150 s). */
  notebookTimeoutMs?: number;
  /** Time bound for the whole run (default 8 min); notebooks left when it passes fail. */
  totalTimeoutMs?: number;
  log?: (line: string) => void;
}

function notebooksIn(folder: string): string[] {
  return readdirSync(folder)
    .filter((name) => name.endsWith('.ipynb'))
    .sort()
    .map((name) => join(folder, name));
}

/** The notebooks to run, as absolute paths; throws when one is missing or outside the served folder. */
function chooseNotebooks(notebookDir: string, named: string[] | undefined): string[] {
  const notebooks = (named?.length ? named : notebooksIn(notebookDir)).map((file) => resolve(notebookDir, file));
  if (notebooks.length === 0) throw new Error(`no notebooks in ${notebookDir}`);
  for (const file of notebooks) {
    if (!existsSync(file)) throw new Error(`notebook not found: ${file}`);
    if (!file.startsWith(`${notebookDir}/`)) throw new Error(`${file} is not in ${notebookDir}, the folder Jupyter serves`);
  }
  return notebooks;
}

/** A hash of each file's bytes, to check afterwards that nothing was saved. */
function fingerprints(files: string[]): Map<string, string> {
  return new Map(files.map((file) => [file, createHash('sha256').update(readFileSync(file)).digest('hex')]));
}

/** Runs the browser test; resolves with one check per notebook. Throws when Chromium or Jupyter is missing. */
export async function runBrowserTest(options: BrowserTestOptions = {}): Promise<NotebookCheck[]> {
  const log = options.log ?? (() => undefined);
  const notebookDir = resolve(options.notebookDir ?? join(kitRoot, 'notebooks'));
  const notebooks = chooseNotebooks(notebookDir, options.notebooks);
  checkChromiumInstalled();
  const jupyterPython = findJupyter();
  if (!jupyterPython) throw new Error(installHelp);
  registerKernel(jupyterPython.python);

  const totalDeadline = Date.now() + (options.totalTimeoutMs ?? 8 * 60_000);
  const before = fingerprints(notebooks);
  let jupyter: PrivateJupyter | undefined;
  let browser: Browser | undefined;
  let stopping: Promise<void> | undefined;
  const stopAll = (): Promise<void> =>
    (stopping ??= (async () => {
      await browser?.close().catch(() => undefined);
      await jupyter?.stop();
    })());
  const onSignal = (signal: NodeJS.Signals): void => {
    log(`${signal}: stopping the browser and Jupyter`);
    void stopAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    jupyter = await startPrivateJupyter(jupyterPython, notebookDir);
    log(`Jupyter at ${jupyter.base} (pid ${jupyter.pid}); Chromium ${CHROMIUM_PATH}`);
    browser = await launchChromium();
    const place = { jupyter, notebookDir, screenshotDir: options.screenshotDir ?? screenshotDir };
    const checks: NotebookCheck[] = [];
    for (const file of notebooks) {
      if (Date.now() >= totalDeadline) {
        checks.push(failedCheck(basename(file), 'not run: the whole run passed its time bound'));
        continue;
      }
      const deadline = Math.min(totalDeadline, Date.now() + (options.notebookTimeoutMs ?? 150_000));
      const check = await checkNotebook(browser, place, file, deadline);
      log(formatCheck(check));
      checks.push(check);
    }
    const after = fingerprints(notebooks);
    const changed = notebooks.filter((file) => after.get(file) !== before.get(file)).map((file) => basename(file));
    if (changed.length > 0) {
      const check = failedCheck('notebooks on disk', `changed during the run (nothing may save them): ${changed.join(', ')}`);
      log(formatCheck(check));
      checks.push(check);
    }
    return checks;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await stopAll();
  }
}
