/**
 * Finds the seed quotes in a notebook or a deck, for the tests that check them
 * against the seeds. A quote is announced by a source note, "Seed 001, section
 * ...", and is the first quoted block after it in the same cell: a fenced code
 * block, a run of `> ` lines or a run of table lines (`|`). The seeds ship with
 * the kit, in docs/seeds/.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { kitRoot } from '../../src/paths.js';

export const seedsFolder = join(kitRoot, 'docs', 'seeds');

/** The text of seed `number` ("001"). */
export function readSeed(number: string): string {
  const file = readdirSync(seedsFolder).find((name) => name.startsWith(`${number}_`));
  if (file === undefined) throw new Error(`no seed ${number} in ${seedsFolder}`);
  return readFileSync(join(seedsFolder, file), 'utf8');
}

export interface SeedQuote {
  /** The seed's number, e.g. "001". */
  seed: string;
  /** `python`, `text`... for a fenced block; `quote` for `> ` lines; `table` for table lines. */
  kind: string;
  /** The quoted text without the fences or the `> ` marks. */
  text: string;
}

const NOTE = /Seed (\d{3}),\s+section/g;

/** The seed quotes in one markdown text (a notebook cell, or a deck slide). */
export function quotesIn(markdown: string): SeedQuote[] {
  const quotes: SeedQuote[] = [];
  for (const note of markdown.matchAll(NOTE)) {
    const lines = markdown
      .slice((note.index ?? 0) + note[0].length)
      .split('\n')
      .slice(1);
    const first = lines.findIndex((line) => line.startsWith('```') || line.startsWith('> ') || line.startsWith('|'));
    if (first === -1) continue;
    const opening = lines[first];
    if (opening.startsWith('```')) {
      const closing = lines.indexOf('```', first + 1);
      quotes.push({ seed: note[1], kind: opening.slice(3), text: lines.slice(first + 1, closing).join('\n') });
      continue;
    }
    const mark = opening[0];
    let last = first;
    while (last + 1 < lines.length && lines[last + 1].startsWith(mark)) last += 1;
    const block = lines.slice(first, last + 1);
    quotes.push(
      mark === '>'
        ? { seed: note[1], kind: 'quote', text: block.map((line) => line.slice(2)).join('\n') }
        : { seed: note[1], kind: 'table', text: block.join('\n') },
    );
  }
  return quotes;
}

/** The markdown cells of a notebook under notebooks/, each as one text. */
export function markdownCells(notebook: string): string[] {
  const parsed = JSON.parse(readFileSync(join(kitRoot, 'notebooks', notebook), 'utf8')) as {
    cells: Array<{ cell_type: string; source: string[] }>;
  };
  return parsed.cells.filter((cell) => cell.cell_type === 'markdown').map((cell) => cell.source.join(''));
}

/**
 * Whether `quote` is in `seed` as written: a fenced block as one piece, and
 * each line of a `> ` quote or a table as it stands in the seed.
 */
export function isVerbatim(quote: SeedQuote, seed: string): boolean {
  if (quote.kind === 'quote' || quote.kind === 'table') return quote.text.split('\n').every((line) => seed.includes(line));
  return seed.includes(`${quote.text}\n`);
}

/** The seed's fenced blocks (code and printed outputs), in order. */
export function seedBlocks(seed: string): string[] {
  return [...seed.matchAll(/```\n([\s\S]*?)\n```/g)].map((match) => match[1]);
}
