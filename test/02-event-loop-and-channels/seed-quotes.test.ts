/**
 * Notebook 02 follows seed 003, a reading with no code: it quotes the seed's
 * table and sentences exactly, and shows no Python the seed does not have.
 */
import assert from 'node:assert/strict';
import { isVerbatim, markdownCells, quotesIn, readSeed, seedBlocks } from '../harness/seed-quotes.js';

const seed003 = readSeed('003');
const cells = markdownCells('02-event-loop-and-channels.ipynb');
const quotes = cells.flatMap(quotesIn);

describe('notebook 02 quotes seed 003 exactly', () => {
  it('every quote is in seed 003 as written', () => {
    assert.ok(quotes.length >= 4, `${quotes.length} quotes`);
    for (const quote of quotes) {
      assert.equal(quote.seed, '003');
      assert.ok(isVerbatim(quote, seed003), `not in seed 003:\n${quote.text}`);
    }
  });

  it("has the seed's whole goroutines-vs-coroutines table", () => {
    const lines = seed003.split('\n');
    const header = lines.findIndex((line) => line.startsWith('| Característica |'));
    const table = lines.slice(header, header + 9).join('\n');
    assert.ok(table.endsWith('ejecución a un solo hilo a la vez |'), 'the table ends with its Paralelismo row');
    assert.ok(
      quotes.some((quote) => quote.kind === 'table' && quote.text === table),
      'the seed table, quoted whole',
    );
  });

  it('shows no Python, since the seed has none', () => {
    assert.deepEqual(seedBlocks(seed003), []);
    assert.equal(cells.join('\n').match(/^```python$/gm), null);
  });
});
