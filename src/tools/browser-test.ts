/**
 * `npm run test:browser [notebook...] [--timeout seconds]`: the course in a real
 * browser. Starts Jupyter Notebook (classic, from Debian) on a free loopback
 * port with the tslab kernel, opens each notebook in headless Chromium (Debian's
 * package, driven by playwright-core), runs all cells as a student would, waits
 * for the kernel to go idle, and checks that no cell shows an error or stderr,
 * that no cell was left unrun, and that every image loaded with a non-zero
 * size. A screenshot of each notebook goes to test-output/browser/. Jupyter, its
 * kernels and the browser are stopped at the end, also on failure and on Ctrl-C.
 * Nothing is saved: the notebooks on disk are checked to be unchanged.
 *
 * The module also exports `launchChromium`, which the slides test uses.
 * Ends with the line "N passed, N failed"; exit code 1 when a notebook failed,
 * 2 on bad arguments or a missing browser or Jupyter.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { processTree } from '../engine/process-tree.js';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { kitRoot } from '../paths.js';
import { findJupyter, installHelp, registerKernel, startNotebookServer, type NotebookServer } from './jupyter.js';

/** Debian's Chromium; playwright-core downloads no browser of its own. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags checked on this kind of machine (root, no GPU, no network for the browser itself). */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export const missingChromiumMessage = (path = CHROMIUM_PATH): string =>
  `Chromium was not found at ${path}. Install it with "bash .ci/install-browser" ` +
  "(Debian's chromium package: sudo apt-get install -y chromium), or name another one with CHROMIUM_PATH=/path/to/chromium.";

/** Starts headless Chromium, or throws an error that says how to install it. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(missingChromiumMessage());
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS, headless: true, timeout: 60_000 });
}

export const screenshotDir = join(kitRoot, 'test-output', 'browser');

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

// ---------------------------------------------------------------------------
// What runs in the page. The kit compiles without the DOM library, so the page's
// globals are described here, as far as the checks use them.

interface PageElement {
  querySelectorAll(selector: string): ArrayLike<PageElement>;
  classList: { contains(name: string): boolean };
  getBoundingClientRect(): { width: number; height: number };
  complete?: boolean;
  naturalWidth?: number;
  naturalHeight?: number;
  style: Record<string, string>;
}

interface JupyterOutput {
  output_type: string;
  name?: string;
  text?: string | string[];
  ename?: string;
  evalue?: string;
}

interface JupyterCell {
  cell_type: string;
  input_prompt_number?: number | string | null;
  get_text(): string;
  element: ArrayLike<PageElement>;
  output_area?: { outputs: JupyterOutput[] };
}

interface JupyterPage {
  Jupyter?: {
    notebook?: {
      _fully_loaded?: boolean;
      kernel_busy?: boolean;
      kernel?: { is_connected(): boolean; info_reply: Record<string, unknown> };
      get_cells(): JupyterCell[];
      set_autosave_interval(ms: number): void;
      save_notebook: () => Promise<void>;
      clear_all_output(): void;
      execute_all_cells(): void;
    };
  };
  document: PageElement & { getElementById(id: string): PageElement | null };
}

interface CellReport {
  index: number;
  ran: boolean;
  empty: boolean;
  errors: string[];
  stderr: string;
  badImages: number;
  images: number;
}

/** Opens a notebook's page and waits until its kernel is connected and answered. */
async function openNotebook(page: Page, url: string): Promise<void> {
  await page.goto(url, { timeout: 60_000, waitUntil: 'domcontentloaded' });
  await page.waitForFunction(
    () => {
      const nb = (globalThis as unknown as JupyterPage).Jupyter?.notebook;
      return Boolean(nb?._fully_loaded && nb.kernel?.is_connected() && Object.keys(nb.kernel.info_reply ?? {}).length > 0);
    },
    undefined,
    { timeout: 90_000, polling: 250 },
  );
  // Never write the notebook back: no autosave, and no save at all.
  await page.evaluate(() => {
    const nb = (globalThis as unknown as JupyterPage).Jupyter!.notebook!;
    nb.set_autosave_interval(0);
    nb.save_notebook = () => Promise.resolve();
    nb.clear_all_output();
    nb.execute_all_cells();
  });
}

/** Waits until no cell is running and the kernel is idle, twice in a row; false on timeout. */
async function waitUntilIdle(page: Page, deadline: number): Promise<boolean> {
  let quietPolls = 0;
  while (Date.now() < deadline) {
    const busy = await page.evaluate(() => {
      const { Jupyter, document } = globalThis as unknown as JupyterPage;
      return document.querySelectorAll('.code_cell.running').length > 0 || Boolean(Jupyter?.notebook?.kernel_busy);
    });
    quietPolls = busy ? 0 : quietPolls + 1;
    if (quietPolls >= 3) return true;
    await page.waitForTimeout(500);
  }
  return false;
}

/** Reads every code cell's state: did it run, its errors and stderr, its images. */
function readCells(page: Page): Promise<CellReport[]> {
  return page.evaluate(() => {
    const nb = (globalThis as unknown as JupyterPage).Jupyter!.notebook!;
    return nb.get_cells().flatMap((cell, index) => {
      if (cell.cell_type !== 'code') return [];
      const outputs = cell.output_area?.outputs ?? [];
      const element = cell.element[0];
      const images = Array.from(element.querySelectorAll('.output_area img'));
      const badImages = images.filter((img) => {
        const box = img.getBoundingClientRect();
        return !(img.complete && (img.naturalWidth ?? 0) > 0 && (img.naturalHeight ?? 0) > 0 && box.width > 0 && box.height > 0);
      }).length;
      const prompt = cell.input_prompt_number;
      const errors = outputs.filter((o) => o.output_type === 'error').map((o) => `${o.ename ?? 'Error'}: ${o.evalue ?? ''}`);
      if (errors.length === 0 && element.querySelectorAll('.output_error').length > 0) errors.push('the cell shows an error');
      return [
        {
          index,
          empty: cell.get_text().trim() === '',
          ran: typeof prompt === 'number',
          errors,
          stderr: outputs
            .filter((o) => o.output_type === 'stream' && o.name === 'stderr')
            .map((o) => (Array.isArray(o.text) ? o.text.join('') : (o.text ?? '')))
            .join(''),
          badImages,
          images: images.length,
        },
      ];
    });
  });
}

function summarize(text: string, max = 300): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

/** Lets the page grow to its content, so a full-page screenshot shows every cell. */
async function screenshotWholeNotebook(page: Page, path: string): Promise<void> {
  await page.evaluate(() => {
    const { document } = globalThis as unknown as JupyterPage;
    for (const id of ['site', 'ipython-main-app', 'notebook']) {
      const element = document.getElementById(id);
      if (element) Object.assign(element.style, { height: 'auto', overflow: 'visible' });
    }
    const body = document.querySelectorAll('body')[0];
    if (body) Object.assign(body.style, { overflow: 'visible', height: 'auto' });
  });
  await page.screenshot({ path, fullPage: true, timeout: 30_000 });
}

/** Shuts the notebook's kernel down through Jupyter's REST API. */
async function shutDownKernel(base: string, token: string, notebookPath: string): Promise<void> {
  const headers = { Authorization: `token ${token}` };
  const sessions = (await (await fetch(`${base}/api/sessions`, { headers, signal: AbortSignal.timeout(10_000) })).json()) as Array<{
    id: string;
    path: string;
  }>;
  for (const session of sessions.filter((s) => s.path === notebookPath)) {
    await fetch(`${base}/api/sessions/${session.id}`, { method: 'DELETE', headers, signal: AbortSignal.timeout(15_000) });
  }
}

async function checkNotebook(
  browser: Browser,
  server: { base: string; token: string; notebookDir: string; screenshotDir: string },
  file: string,
  deadline: number,
): Promise<NotebookCheck> {
  const started = Date.now();
  const name = basename(file);
  const notebookPath = relative(server.notebookDir, file).split('\\').join('/');
  const check: NotebookCheck = { notebook: name, ok: false, cells: 0, images: 0, durationMs: 0, problems: [] };
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  // Under tsx (the tests), esbuild wraps named functions in __name(); functions sent to the page need it too.
  await page.addInitScript({ content: 'globalThis.__name = (target) => target;' });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  try {
    const url = `${server.base}/notebooks/${notebookPath.split('/').map(encodeURIComponent).join('/')}?token=${server.token}`;
    await openNotebook(page, url);
    if (!(await waitUntilIdle(page, deadline))) {
      check.problems.push(`still running after ${Math.round((Date.now() - started) / 1000)} s (time bound)`);
    }
    // Give images a moment to decode, then read the cells.
    await page
      .waitForFunction(
        () => Array.from((globalThis as unknown as JupyterPage).document.querySelectorAll('.output_area img')).every((img) => img.complete),
        undefined,
        { timeout: 10_000 },
      )
      .catch(() => undefined);
    const cells = await readCells(page);
    check.cells = cells.length;
    check.images = cells.reduce((sum, cell) => sum + cell.images, 0);
    for (const cell of cells) {
      const where = `cell ${cell.index + 1}`;
      const failedBefore = check.problems.length > 0;
      for (const error of cell.errors) check.problems.push(`${where}: error: ${summarize(error)}`);
      if (cell.stderr.trim() !== '') check.problems.push(`${where}: stderr: ${summarize(cell.stderr)}`);
      if (cell.badImages > 0) check.problems.push(`${where}: ${cell.badImages} of ${cell.images} image(s) did not load or have no size`);
      if (!cell.ran && !cell.empty) {
        check.problems.push(`${where}: did not run${failedBefore ? ' (the kernel skips the cells after a failure)' : ''}`);
      }
    }
    mkdirSync(server.screenshotDir, { recursive: true });
    const shot = join(server.screenshotDir, name.replace(/\.ipynb$/, '.png'));
    await screenshotWholeNotebook(page, shot).then(
      () => (check.screenshot = shot),
      (error: Error) => check.problems.push(`screenshot failed: ${summarize(error.message)}`),
    );
  } catch (error) {
    check.problems.push(summarize((error as Error).message));
  } finally {
    await shutDownKernel(server.base, server.token, notebookPath).catch((error: Error) =>
      check.problems.push(`could not shut the kernel down: ${summarize(error.message)}`),
    );
    await page.close().catch(() => undefined);
  }
  if (pageErrors.length > 0) check.problems.push(`page errors: ${summarize(pageErrors.join('; '))}`);
  check.ok = check.problems.length === 0;
  check.durationMs = Date.now() - started;
  return check;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

/** A hash of each file's bytes, to check afterwards that nothing was saved. */
function fingerprints(files: string[]): Map<string, string> {
  return new Map(files.map((file) => [file, createHash('sha256').update(readFileSync(file)).digest('hex')]));
}

/** Runs the browser test; resolves with one check per notebook. Throws when Chromium or Jupyter is missing. */
export async function runBrowserTest(options: BrowserTestOptions = {}): Promise<NotebookCheck[]> {
  const log = options.log ?? (() => undefined);
  const notebookDir = resolve(options.notebookDir ?? join(kitRoot, 'notebooks'));
  const notebooks = (options.notebooks?.length ? options.notebooks : notebooksIn(notebookDir)).map((file) => resolve(notebookDir, file));
  if (notebooks.length === 0) throw new Error(`no notebooks in ${notebookDir}`);
  for (const file of notebooks) {
    if (!existsSync(file)) throw new Error(`notebook not found: ${file}`);
    if (!file.startsWith(`${notebookDir}/`)) throw new Error(`${file} is not in ${notebookDir}, the folder Jupyter serves`);
  }
  if (!existsSync(CHROMIUM_PATH)) throw new Error(missingChromiumMessage());
  const jupyter = findJupyter();
  if (!jupyter) throw new Error(installHelp);
  registerKernel(jupyter.python);

  const totalDeadline = Date.now() + (options.totalTimeoutMs ?? 8 * 60_000);
  const before = fingerprints(notebooks);
  const runtimeDir = mkdtempSync(join(tmpdir(), 'course-kit-jupyter-'));
  const token = randomBytes(24).toString('hex');
  const previousRuntimeDir = process.env.JUPYTER_RUNTIME_DIR;
  process.env.JUPYTER_RUNTIME_DIR = runtimeDir; // inherited by the server only
  let server: NotebookServer | undefined;
  let browser: Browser | undefined;
  let stopping: Promise<void> | undefined;
  const stopAll = (): Promise<void> =>
    (stopping ??= (async () => {
      await browser?.close().catch(() => undefined);
      if (server) {
        const root = server.process.pid;
        // Found before the server stops: once it ends, its kernels are re-parented and lost from the tree.
        const leftovers = root
          ? processTree(root)
              .map((info) => info.pid)
              .filter((pid) => pid !== root)
          : [];
        await server.stop();
        for (const pid of leftovers) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // Already ended with the server.
          }
        }
      }
      rmSync(runtimeDir, { recursive: true, force: true });
    })());
  const onSignal = (signal: NodeJS.Signals): void => {
    log(`${signal}: stopping the browser and Jupyter`);
    void stopAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    server = await startNotebookServer({
      jupyter,
      port: await freePort(),
      openBrowser: false,
      extraArguments: [
        `--NotebookApp.token=${token}`,
        '--NotebookApp.password=',
        // Serve `notebookDir` (startNotebookServer points Jupyter at notebooks/, which may be given once only).
        `--FileContentsManager.root_dir=${notebookDir}`,
        `--MappingKernelManager.root_dir=${notebookDir}`,
      ],
      startTimeoutMs: 60_000,
    });
    const base = new URL(server.url).origin;
    log(`Jupyter at ${base} (pid ${server.process.pid}); Chromium ${CHROMIUM_PATH}`);
    browser = await launchChromium();
    const checks: NotebookCheck[] = [];
    for (const file of notebooks) {
      if (Date.now() >= totalDeadline) {
        checks.push({
          notebook: basename(file),
          ok: false,
          cells: 0,
          images: 0,
          durationMs: 0,
          problems: ['not run: the whole run passed its time bound'],
        });
        continue;
      }
      const deadline = Math.min(totalDeadline, Date.now() + (options.notebookTimeoutMs ?? 150_000));
      const check = await checkNotebook(
        browser,
        { base, token, notebookDir, screenshotDir: options.screenshotDir ?? screenshotDir },
        file,
        deadline,
      );
      log(formatCheck(check));
      checks.push(check);
    }
    const after = fingerprints(notebooks);
    const changed = notebooks.filter((file) => after.get(file) !== before.get(file)).map((file) => basename(file));
    if (changed.length > 0) {
      const check = {
        notebook: 'notebooks on disk',
        ok: false,
        cells: 0,
        images: 0,
        durationMs: 0,
        problems: [`changed during the run (nothing may save them): ${changed.join(', ')}`],
      };
      log(formatCheck(check));
      checks.push(check);
    }
    return checks;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await stopAll();
    if (previousRuntimeDir === undefined) delete process.env.JUPYTER_RUNTIME_DIR;
    else process.env.JUPYTER_RUNTIME_DIR = previousRuntimeDir;
  }
}

function notebooksIn(folder: string): string[] {
  return readdirSync(folder)
    .filter((name) => name.endsWith('.ipynb'))
    .sort()
    .map((name) => join(folder, name));
}

export function formatCheck(check: NotebookCheck): string {
  const head =
    `${check.ok ? 'ok  ' : 'FAIL'} ${check.notebook}: ${check.cells} code cells, ${check.images} image(s), ` +
    `${(check.durationMs / 1000).toFixed(1)} s` +
    (check.screenshot ? ` → ${relative(kitRoot, check.screenshot)}` : '');
  return [head, ...check.problems.map((problem) => `       ${problem}`)].join('\n');
}

function parseArguments(argv: string[]): BrowserTestOptions {
  const notebooks: string[] = [];
  let notebookTimeoutMs: number | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--timeout') {
      const seconds = Number(argv[++i]);
      if (!(Number.isFinite(seconds) && seconds > 0))
        throw new Error(`--timeout must be a positive number of seconds, got ${argv[i] ?? 'nothing'}`);
      notebookTimeoutMs = seconds * 1000;
    } else if (argv[i].startsWith('-')) {
      throw new Error(`unknown option ${argv[i]}; usage: npm run test:browser -- [notebook.ipynb ...] [--timeout seconds]`);
    } else {
      const given = argv[i];
      notebooks.push(existsSync(given) ? resolve(given) : given);
    }
  }
  return { notebooks, notebookTimeoutMs };
}

async function main(): Promise<number> {
  let options: BrowserTestOptions;
  try {
    options = parseArguments(process.argv.slice(2));
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    return 2;
  }
  const started = Date.now();
  let checks: NotebookCheck[];
  try {
    checks = await runBrowserTest({ ...options, log: (line) => console.log(line) });
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    return 2;
  }
  mkdirSync(join(kitRoot, 'test-output'), { recursive: true });
  // Like pytest's cache folder: the output folder ignores itself, so it never lands in git.
  const ignore = join(kitRoot, 'test-output', '.gitignore');
  if (!existsSync(ignore)) writeFileSync(ignore, '# Created by npm run test:browser: screenshots are not committed.\n*\n');
  const failed = checks.filter((check) => !check.ok).length;
  console.log(
    `browser test: ${checks.length} notebook(s) in ${((Date.now() - started) / 1000).toFixed(0)} s; screenshots in ${relative(kitRoot, screenshotDir)}/`,
  );
  console.log(`${checks.length - failed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

const isEntryPoint = process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
if (isEntryPoint) process.exitCode = await main();
