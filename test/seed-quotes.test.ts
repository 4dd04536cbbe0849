/**
 * Python beside TypeScript (issue 14), course-wide: every quote of a seed in a
 * notebook or a slide deck, announced by its source note ("Seed 001, section
 * ..."), is in that seed as written; and every Python block in a notebook is
 * such a quote (the kit shows the seeds' Python, it does not paraphrase it).
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { kitRoot } from '../src/paths.js';
import { isVerbatim, markdownCells, quotesIn, readSeed } from './harness/seed-quotes.js';

const notebooks = readdirSync(join(kitRoot, 'notebooks')).filter((name) => name.endsWith('.ipynb'));
const decks = readdirSync(join(kitRoot, 'slides')).filter((name) => /^\d\d-.*\.md$/.test(name));
/** Each notebook's markdown cells and each deck's slides: a quote belongs to the cell or slide of its note. */
const sections: Array<[name: string, parts: string[]]> = [
  ...notebooks.map((name): [string, string[]] => [name, markdownCells(name)]),
  ...decks.map((name): [string, string[]] => [name, readFileSync(join(kitRoot, 'slides', name), 'utf8').split(/^---$/m)]),
];

describe('seed quotes in every notebook and deck', () => {
  for (const [name, parts] of sections) {
    const quotes = parts.flatMap(quotesIn);
    if (quotes.length === 0) continue;
    it(`${name}: its ${quotes.length} seed quotes are in their seeds as written`, () => {
      for (const quote of quotes) {
        assert.ok(isVerbatim(quote, readSeed(quote.seed)), `not in seed ${quote.seed}:\n${quote.text}`);
      }
    });
  }

  it('every Python block in a notebook is a seed quote with its source note', () => {
    for (const name of notebooks) {
      const cells = markdownCells(name);
      const text = cells.join('\n');
      const ours = text.match(/not the seed's[^\n]*\n\n?```python$/gm)?.length ?? 0;
      const fences = (text.match(/^```python$/gm)?.length ?? 0) - ours;
      const quoted = cells.flatMap(quotesIn).filter((quote) => quote.kind === 'python').length;
      assert.equal(quoted, fences, `${name}: ${fences} Python blocks, ${quoted} announced as seed quotes`);
    }
  });

  it('the seeds the kit follows ship with it (docs/seeds)', () => {
    for (const seed of ['000', '001', '002', '003', '004']) assert.ok(readSeed(seed).length > 1000, seed);
  });
});
