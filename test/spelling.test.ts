/**
 * One spelling convention, US (issue 14): "analyze", "color", "behavior",
 * "canceled". The seeds, in Spanish, are left as they are.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { kitRoot } from '../src/paths.js';

const BRITISH =
  /\b\w*(colour|analys(e|ed|ing|er)\b|behaviour|optimis(e|ed|ing|ation)|serialis|normalis|initialis|cancelled|cancelling|favour|centre|summaris|labelled|signalled|travelled|modelled|synchronis)\w*/gi;
const FOLDERS = ['src', 'test', 'bench', 'solutions', 'exercises', 'notebooks', 'slides', 'docs'];
const SKIP = new Set(['docs/seeds', 'slides/dist', 'test/spelling.test.ts']);
const TEXT = /\.(ts|cts|mts|mjs|cjs|js|json|md|ipynb)$/;

function* files(folder: string): Generator<string> {
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (SKIP.has(relative(kitRoot, path))) continue;
    if (statSync(path).isDirectory()) yield* files(path);
    else if (TEXT.test(name)) yield path;
  }
}

describe('spelling', () => {
  it('the course text, code and comments use US spelling', () => {
    const found: string[] = [];
    const paths = [join(kitRoot, 'README.md'), ...FOLDERS.flatMap((folder) => [...files(join(kitRoot, folder))])];
    for (const path of paths) {
      for (const match of readFileSync(path, 'utf8').matchAll(BRITISH)) found.push(`${relative(kitRoot, path)}: ${match[0]}`);
    }
    assert.deepEqual(found, []);
  });

  it('the check finds British spellings', () => {
    const sample = 'the colour of the analysed behaviour, cancelled at the centre';
    assert.deepEqual(
      [...sample.matchAll(BRITISH)].map((match) => match[0]),
      ['colour', 'analysed', 'behaviour', 'cancelled', 'centre'],
    );
  });
});
