/**
 * One notebook's page in classic Jupyter Notebook, driven in Chromium: open it,
 * run all cells as a student would, wait for the kernel to go idle, read every
 * code cell from the page (did it run, its errors and stderr, its images), and
 * take a screenshot of the whole notebook. The page never saves the notebook.
 */
import type { Browser, Page } from 'playwright-core';

// What runs in the page. The kit compiles without the DOM library, so the page's
// globals are described here, as far as the functions below use them.

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

/** A code cell as the page shows it. */
export interface CellReport {
  /** Position among all cells (markdown ones too), from 0. */
  index: number;
  ran: boolean;
  empty: boolean;
  errors: string[];
  stderr: string;
  /** Images that did not load or have no size. */
  badImages: number;
  images: number;
}

export interface NotebookPage {
  page: Page;
  /** Errors thrown by the page's own scripts, as they come. */
  pageErrors: string[];
}

/** A new page sized for a notebook, collecting the page's script errors. */
export async function newNotebookPage(browser: Browser): Promise<NotebookPage> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  // Under tsx (the tests), esbuild wraps named functions in __name(); functions sent to the page need it too.
  await page.addInitScript({ content: 'globalThis.__name = (target) => target;' });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return { page, pageErrors };
}

/** Opens a notebook, waits until its kernel is connected and answered, and runs all cells (saving switched off). */
export async function openAndRunAll(page: Page, url: string): Promise<void> {
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

/** Waits until no cell is running and the kernel is idle, three polls in a row; false when `deadline` (epoch ms) passes first. */
export async function waitUntilIdle(page: Page, deadline: number): Promise<boolean> {
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

/** Gives the output images up to 10 s to finish loading (those that never do are reported by readCells). */
export async function waitForImages(page: Page): Promise<void> {
  await page
    .waitForFunction(
      () => Array.from((globalThis as unknown as JupyterPage).document.querySelectorAll('.output_area img')).every((img) => img.complete),
      undefined,
      { timeout: 10_000 },
    )
    .catch(() => undefined);
}

/** Reads every code cell's state: did it run, its errors and stderr, its images. */
export function readCells(page: Page): Promise<CellReport[]> {
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

/** Lets the page grow to its content, so a full-page screenshot shows every cell. */
export async function screenshotWholeNotebook(page: Page, path: string): Promise<void> {
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
