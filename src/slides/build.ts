/**
 * Building the decks: every slides/NN-topic.md becomes slides/dist/NN-topic.html.
 * Each chart a deck names is measured or drawn once per build, however many
 * decks use it.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { kitRoot } from '../paths.js';
import { renderSlideChart, type RenderedChart, type SlideChartRegistry } from './chart-registry.js';
import { chartNames, parseDeck } from './deck.js';
import { renderDeckHtml } from './render.js';

export const slidesDir = join(kitRoot, 'slides');
export const slidesOutDir = join(slidesDir, 'dist');

/** A deck's file name: two digits, a dash, lower-case words (like the notebooks). */
const DECK_NAME = /^\d\d-[a-z0-9-]+\.md$/;

export interface BuildOptions {
  /** The charts decks may name (the course's: src/course/slide-charts.ts). */
  charts: SlideChartRegistry;
  /** Where the NN-topic.md files are (default slides/). */
  decksDir?: string;
  /** Where the HTML goes (default slides/dist/). */
  outDir?: string;
  /** Build only these decks (names with or without .md, or their NN prefix). */
  only?: string[];
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

export interface BuiltDeck {
  source: string;
  output: string;
  title: string;
  slides: number;
  charts: string[];
}

/** The deck files in `decksDir`, sorted, optionally filtered by name or number. */
export function findDecks(decksDir = slidesDir, only?: string[]): string[] {
  const all = readdirSync(decksDir)
    .filter((name) => DECK_NAME.test(name))
    .sort();
  if (!only || only.length === 0) return all.map((name) => join(decksDir, name));
  return only.map((wanted) => {
    const key = basename(wanted).replace(/\.md$/, '');
    const found = all.find((name) => name === `${key}.md` || name.slice(0, 2) === key);
    if (!found) throw new Error(`no deck called ${wanted} in ${decksDir}; the decks are: ${all.join(', ')}`);
    return join(decksDir, found);
  });
}

/** Builds the decks; throws on the first deck that cannot be built, naming it. */
export async function buildDecks(options: BuildOptions): Promise<BuiltDeck[]> {
  const decksDir = options.decksDir ?? slidesDir;
  const outDir = options.outDir ?? slidesOutDir;
  const log = options.log ?? (() => undefined);
  mkdirSync(outDir, { recursive: true });
  const drawn = new Map<string, RenderedChart>();
  const built: BuiltDeck[] = [];
  for (const path of findDecks(decksDir, options.only)) {
    const source = basename(path);
    const deck = parseDeck(readFileSync(path, 'utf8'), source);
    const names = chartNames(deck);
    for (const name of names) {
      if (drawn.has(name)) continue;
      const chart = await renderSlideChart(options.charts, name).catch((error: Error) => {
        throw new Error(`${source}: chart ${name}: ${error.message}`);
      });
      log(`  chart ${name}: ${Math.round(chart.ms)} ms (measured)`);
      drawn.set(name, chart);
    }
    const html = renderDeckHtml(deck, { charts: drawn, baseDir: decksDir, source });
    const output = join(outDir, source.replace(/\.md$/, '.html'));
    writeFileSync(output, html);
    log(`${source} → ${relative(kitRoot, output)} (${deck.slides.length} slides)`);
    built.push({ source: path, output, title: deck.title, slides: deck.slides.length, charts: names });
  }
  return built;
}
