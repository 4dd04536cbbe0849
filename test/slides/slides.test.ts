/**
 * The course's decks: every unit 01-10 has one, and each builds into a
 * self-contained page (title, 8-14 slides with speaker notes, its chart, every
 * image, script and stylesheet reference resolving with no network), checked
 * by parsing the built HTML. The decks are built into a temporary folder, as
 * `npm run slides -- --out DIR` does.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { parse, type HTMLElement } from 'node-html-parser';
import type { Browser, Page } from 'playwright-core';
import { compiledEntry } from '../../src/paths.js';
import { slideCharts } from '../../src/course/slide-charts.js';
import { buildDecks, findDecks, type BuiltDeck } from '../../src/slides/build.js';
import { parseDeck } from '../../src/slides/deck.js';
import { launchChromium } from '../../src/tools/browser/chromium.js';
import { assertUsageError, runCli } from '../tools/run-cli.js';

const UNITS = [
  '01-threads-vs-async',
  '02-event-loop-and-channels',
  '03-processes-queues-pipes',
  '04-pools',
  '05-races-and-locks',
  '06-daemons',
  '07-deadlock-and-starvation',
  '08-penguin-race',
  '09-system-monitor',
  '10-beyond-one-machine',
];

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Luminance statistics of a PNG: a blank page has no variance and no ink. */
async function inkOf(png: Buffer): Promise<{ variance: number; inked: number }> {
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  const { data } = context.getImageData(0, 0, image.width, image.height);
  let sum = 0;
  let squares = 0;
  let inked = 0;
  const pixels = data.length / 4;
  for (let i = 0; i < data.length; i += 4) {
    const y = 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
    sum += y;
    squares += y * y;
    if (y < 200) inked += 1;
  }
  const mean = sum / pixels;
  return { variance: squares / pixels - mean * mean, inked: inked / pixels };
}

/** The page's globals the checks use (the kit compiles without the DOM library). */
interface DeckPage {
  location: { hash: string };
  document: {
    querySelectorAll(selector: string): ArrayLike<{
      scrollHeight: number;
      clientHeight: number;
      scrollWidth: number;
      clientWidth: number;
      getBoundingClientRect(): { right: number; width: number; height: number };
      querySelectorAll(
        selector: string,
      ): ArrayLike<{ scrollWidth: number; clientWidth: number; getBoundingClientRect(): { right: number } }>;
    }>;
    documentElement: { classList: { remove(name: string): void } };
  };
  getComputedStyle(element: unknown): { display: string };
}

/** Slides (1-based) that take up room on the page now: the ones a viewer sees. */
function visibleSlides(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const { document } = globalThis as unknown as DeckPage;
    return Array.from(document.querySelectorAll('section.slide'))
      .map((slide, index) => (slide.getBoundingClientRect().height > 0 ? index + 1 : 0))
      .filter((n) => n > 0);
  });
}

/** Why a reference does not resolve, or undefined when it does (a valid data: URI, or a file next to the page). */
function unresolved(reference: string, page: string): string | undefined {
  if (reference.startsWith('#')) return undefined;
  if (reference.startsWith('data:')) {
    const match = /^data:([\w/+.-]+);base64,([A-Za-z0-9+/=]+)$/.exec(reference);
    if (!match) return 'a data: URI that is not base64';
    const bytes = Buffer.from(match[2], 'base64');
    if (bytes.length < 100) return `a data: URI of only ${bytes.length} bytes`;
    if (match[1] === 'image/png' && !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return 'a data: URI that is not a PNG';
    return undefined;
  }
  if (/^([a-z][a-z0-9+.-]*:|\/\/)/i.test(reference)) return 'needs the network (or another site)';
  return existsSync(resolve(dirname(page), decodeURI(reference.split(/[?#]/)[0]))) ? undefined : 'no such file';
}

/** Every reference a page loads by itself: images, scripts, stylesheets, frames, media. */
function loadedReferences(page: HTMLElement): Array<{ tag: string; reference: string }> {
  const found: Array<{ tag: string; reference: string }> = [];
  for (const element of page.querySelectorAll('img, script, link, iframe, source, video, audio, embed, object')) {
    for (const attribute of ['src', 'href', 'data', 'poster', 'srcset']) {
      const value = element.getAttribute(attribute);
      if (value !== undefined) found.push({ tag: `<${element.tagName.toLowerCase()} ${attribute}>`, reference: value.trim() });
    }
  }
  return found;
}

describe('slides: the course decks', function () {
  this.timeout(60_000);
  let outDir: string;
  let built: BuiltDeck[];

  before(async function () {
    this.timeout(60_000);
    outDir = mkdtempSync(join(tmpdir(), 'course-kit-slides-'));
    built = await buildDecks({ outDir, charts: slideCharts });
  });

  after(() => rmSync(outDir, { recursive: true, force: true }));

  it('there is one deck per unit, named like the notebooks', () => {
    assert.deepEqual(
      findDecks().map((path) => path.split('/').pop()),
      UNITS.map((unit) => `${unit}.md`),
    );
    assert.deepEqual(
      built.map((deck) => deck.output.split('/').pop()),
      UNITS.map((unit) => `${unit}.html`),
    );
  });

  it('no code line is longer than a slide is wide (about 92 characters)', () => {
    const tooLong: string[] = [];
    for (const deck of built) {
      const lines = readFileSync(deck.source, 'utf8').split('\n');
      let inCode = false;
      lines.forEach((line, index) => {
        if (/^\s*```/.test(line)) inCode = !inCode;
        else if (inCode && line.length > 92) tooLong.push(`${deck.source.split('/').pop()}:${index + 1} (${line.length} characters)`);
      });
    }
    assert.deepEqual(tooLong, []);
  });

  for (const unit of UNITS) {
    describe(unit, () => {
      let page: HTMLElement;
      let file: string;
      before(() => {
        file = join(outDir, `${unit}.html`);
        page = parse(readFileSync(file, 'utf8'));
      });

      it('has the deck title and 8 to 14 slides, most with speaker notes', () => {
        const deck = parseDeck(readFileSync(join(dirname(findDecks()[0]), `${unit}.md`), 'utf8'));
        const title = page.querySelector('title')?.text.trim() ?? '';
        assert.ok(title.startsWith(unit.slice(0, 2)), `title "${title}" starts with the unit number`);
        assert.equal(title, deck.title);
        assert.equal(page.querySelector('section.slide h1')?.text.trim(), title, 'the first slide shows the title');
        const slides = page.querySelectorAll('section.slide');
        assert.ok(slides.length >= 8 && slides.length <= 14, `${slides.length} slides`);
        const notes = page.querySelectorAll('.slide-frame > aside.notes').filter((aside) => aside.text.trim() !== '');
        assert.ok(notes.length >= slides.length / 2, `speaker notes on ${notes.length} of ${slides.length} slides`);
      });

      it('shows its chart as an inlined PNG, captioned with where the numbers come from', () => {
        const figures = page.querySelectorAll('section.slide figure');
        assert.ok(figures.length >= 1, 'at least one chart');
        for (const figure of figures) {
          const src = figure.querySelector('img')?.getAttribute('src') ?? '';
          assert.match(src, /^data:image\/png;base64,/);
          const caption = figure.querySelector('figcaption')?.text ?? '';
          assert.match(caption, /^Measured on the machine that built these slides/);
        }
      });

      it('every image, script and stylesheet reference resolves, with no network', () => {
        const problems = loadedReferences(page)
          .map(({ tag, reference }) => ({ tag, reference, why: unresolved(reference, file) }))
          .filter((entry) => entry.why !== undefined)
          .map(({ tag, reference, why }) => `${tag} ${reference.slice(0, 60)}: ${why}`);
        assert.deepEqual(problems, []);
        assert.ok(page.querySelectorAll('img').length >= 1);
      });

      it('carries its own style and one small navigation script, and a print stylesheet', () => {
        const scripts = page.querySelectorAll('script');
        assert.equal(scripts.length, 1);
        assert.ok(scripts[0].text.length < 4000, 'a small script');
        assert.match(scripts[0].text, /ArrowRight/);
        assert.match(page.querySelector('style')?.text ?? '', /@media print/);
      });
    });
  }

  describe('in headless Chromium', () => {
    const deckUrl = (unit: string, slide = 1) => `file://${join(outDir, `${unit}.html`)}#${slide}`;
    const slideCount = (unit: string) => built.find((deck) => deck.output.endsWith(`/${unit}.html`))!.slides;

    /** A fresh browser for each test, closed at its end (the leak check counts a browser left open). */
    async function withPage(check: (page: Page) => Promise<void>): Promise<void> {
      const browser: Browser = await launchChromium(); // fails with the install command when Chromium is missing
      try {
        await check(await browser.newPage({ viewport: { width: 1280, height: 720 } }));
      } finally {
        await browser.close();
      }
    }

    it('renders a chart slide to a screenshot that is not blank', () =>
      withPage(async (page) => {
        await page.goto(deckUrl('04-pools', 9));
        const chart = page.locator('.slide-frame.current figure img');
        await chart.waitFor({ state: 'visible', timeout: 10_000 });
        const width = await chart.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth);
        assert.ok(width > 0, 'the chart image decoded');
        const { variance, inked } = await inkOf(await page.screenshot());
        assert.ok(variance > 100, `pixel variance ${variance.toFixed(1)}: the page looks blank`);
        assert.ok(inked > 0.02, `only ${(inked * 100).toFixed(2)} % of the pixels are drawn on`);
        const corner = await inkOf(await page.screenshot({ clip: { x: 0, y: 0, width: 40, height: 40 } }));
        assert.ok(corner.variance < 1, 'the check sees a blank area as blank');
      }));

    it('moves with the keys, shows notes on "s", prints every slide, and no slide overflows at 1280 × 720', () =>
      withPage(async (page) => {
        // One browser for several checks: starting Chromium is the slow part.
        await page.goto(deckUrl('02-event-loop-and-channels'));
        assert.deepEqual(await visibleSlides(page), [1], 'one slide at a time');
        await page.keyboard.press('ArrowRight');
        await page.keyboard.press('Space');
        assert.deepEqual(await visibleSlides(page), [3]);
        assert.equal(await page.evaluate(() => (globalThis as unknown as DeckPage).location.hash), '#3', 'the address keeps the slide');
        await page.keyboard.press('ArrowLeft');
        assert.deepEqual(await visibleSlides(page), [2]);
        const notes = page.locator('.slide-frame.current aside.notes');
        assert.equal(await notes.isVisible(), false, 'notes hidden at first');
        await page.keyboard.press('s');
        assert.equal(await notes.isVisible(), true, 's shows the notes');
        await page.keyboard.press('End');
        assert.deepEqual(await visibleSlides(page), [slideCount('02-event-loop-and-channels')]);

        await page.emulateMedia({ media: 'print' });
        assert.equal((await visibleSlides(page)).length, slideCount('02-event-loop-and-channels'), 'print shows every slide');
        await page.emulateMedia({ media: 'screen' });

        const problems: string[] = [];
        for (const unit of UNITS) {
          await page.goto(deckUrl(unit));
          const found = await page.evaluate(() => {
            const { document } = globalThis as unknown as DeckPage;
            document.documentElement.classList.remove('js'); // every slide laid out at once
            const out: string[] = [];
            Array.from(document.querySelectorAll('section.slide')).forEach((slide, index) => {
              if (slide.scrollHeight > slide.clientHeight + 1) {
                out.push(`slide ${index + 1} is too tall (${slide.scrollHeight} > ${slide.clientHeight} px)`);
              }
              const right = slide.getBoundingClientRect().right;
              for (const block of Array.from(slide.querySelectorAll('pre, table, img'))) {
                if (block.scrollWidth > block.clientWidth + 1 || block.getBoundingClientRect().right > right + 1) {
                  out.push(`slide ${index + 1} has a block wider than the slide`);
                }
              }
            });
            return out;
          });
          problems.push(...found.map((problem) => `${unit}: ${problem}`));
        }
        assert.deepEqual(problems, [], 'slides whose content does not fit');
      }));
  });

  it('npm run slides builds the decks named, into --out, and names a deck it cannot find', async () => {
    const cli = compiledEntry('course/slides-cli.ts');
    const dir = mkdtempSync(join(tmpdir(), 'course-kit-slides-cli-'));
    try {
      const { stdout } = await promisify(execFile)(process.execPath, [cli, '05', '--out', dir]);
      assert.match(stdout, /05-races-and-locks\.md → .*05-races-and-locks\.html \(\d+ slides\)/);
      assert.ok(existsSync(join(dir, '05-races-and-locks.html')));
      assert.ok(!existsSync(join(dir, '04-pools.html')), 'only the deck named');
      const failed = await promisify(execFile)(process.execPath, [cli, '42-nothing', '--out', dir]).catch(
        (error: { code: number; stderr: string }) => error,
      );
      assert.equal((failed as { code: number }).code, 1);
      assert.match(
        (failed as { stderr: string }).stderr,
        /error: no deck called 42-nothing in .*slides; the decks are: 01-threads-vs-async\.md/,
      );
      assertUsageError(await runCli(cli, ['--color']), /^error: unknown option --color; usage: npm run slides/);
      assertUsageError(await runCli(cli, ['05', '--out']), /^error: --out needs a value$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
