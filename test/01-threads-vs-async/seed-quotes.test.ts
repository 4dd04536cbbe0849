/**
 * Python beside TypeScript (issue 14): notebook 01 shows each seed example it
 * reproduces in the seed's own Python, and the seed's printed outputs, quoted
 * exactly; slide 01's Python and output are the seed's too.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kitRoot } from '../../src/paths.js';
import { isVerbatim, markdownCells, quotesIn, readSeed, seedBlocks, seedsFolder } from '../harness/seed-quotes.js';

const seed001 = readSeed('001');
const seed003 = readSeed('003');
const cells = markdownCells('01-threads-vs-async.ipynb');
const quotes = cells.flatMap(quotesIn);

describe('seed quotes: the checker', () => {
  it('finds a quote after its note and catches one changed character', () => {
    const seed = 'intro\n```\nprint("Hola")\n```\n- **Básicamente** Una tarea a la vez, en orden.\n';
    const [fenced, quoted] = quotesIn(
      'As the seed wrote it (Seed 001, section "X"):\n\n```python\nprint("Hola")\n```\n' +
        'and (Seed 003,\nsection 1.4), in short:\n\n> - **Básicamente** Una tarea a la vez, en orden.\n',
    );
    assert.deepEqual(fenced, { seed: '001', kind: 'python', text: 'print("Hola")' });
    assert.deepEqual(quoted, { seed: '003', kind: 'quote', text: '- **Básicamente** Una tarea a la vez, en orden.' });
    assert.ok(isVerbatim(fenced, seed) && isVerbatim(quoted, seed));
    assert.ok(!isVerbatim({ ...fenced, text: 'print("Hola!")' }, seed));
    assert.ok(!isVerbatim({ ...quoted, text: '- **Basicamente** Una tarea a la vez, en orden.' }, seed));
  });
});

describe('notebook 01 and slide 01 quote the seeds exactly', () => {
  it(`every quote in notebook 01 is in its seed as written (seeds read from ${seedsFolder})`, () => {
    assert.ok(quotes.length >= 6, `${quotes.length} quotes`);
    const seeds: Record<string, string> = { '001': seed001, '003': seed003 };
    for (const quote of quotes) assert.ok(isVerbatim(quote, seeds[quote.seed] ?? ''), `not in seed ${quote.seed}:\n${quote.text}`);
  });

  it("shows the seed's three threading examples in Python, and no other Python", () => {
    const threading = seedBlocks(seed001).filter((block) => /^(import threading|from threading import)/.test(block));
    assert.equal(threading.length, 3, 'numbers and letters, Thread subclasses, the counter');
    const python = quotes.filter((quote) => quote.kind === 'python').map((quote) => quote.text);
    assert.deepEqual(python, threading);
    const fences = cells.join('\n').match(/^```python$/gm) ?? [];
    assert.equal(fences.length, python.length, 'every Python block is a quote with its source note');
  });

  it("shows the seed's printed outputs of those examples: numbers and letters, and the I/O jobs", () => {
    const outputs = seedBlocks(seed001).filter((block) => /^(Letra Ñ|ProcesadorArchivos: )/.test(block));
    assert.equal(outputs.length, 2);
    const texts = quotes.filter((quote) => quote.kind === 'text').map((quote) => quote.text);
    assert.deepEqual(texts, outputs);
  });

  it("slide 01's Python and printed output are excerpts of the seed, line for line", () => {
    const deck = readFileSync(join(kitRoot, 'slides', '01-threads-vs-async.md'), 'utf8');
    const blocks = [...deck.matchAll(/^```(python|text)\n([\s\S]*?)\n```$/gm)].map((match) => match[2]);
    assert.equal(blocks.length, 2, 'the numbers-and-letters code and the I/O jobs output');
    for (const block of blocks) assert.ok(seed001.includes(`${block}\n`), `not in seed 001:\n${block}`);
  });
});
