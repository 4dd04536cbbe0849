/**
 * Every notebook in notebooks/ runs top to bottom, headless, on the tslab
 * kernel, with no failing cell (no error, no type error, no stderr, nothing
 * aborted, no cell past its time bound).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Dealer } from 'zeromq';
import { kitRoot } from '../src/paths.js';
import { formatFailure, runNotebook } from '../src/tools/notebook-runner.js';

const folder = join(kitRoot, 'notebooks');
const notebooks = readdirSync(folder)
  .filter((name) => name.endsWith('.ipynb'))
  .sort();

describe('course notebooks run cleanly on the tslab kernel', function () {
  this.timeout(180_000);

  before(() => {
    // ZeroMQ's I/O threads live as long as the process: start them before the leak checks count threads.
    new Dealer().close();
  });

  it('there are notebooks to run', () => {
    assert.ok(notebooks.includes('00-welcome.ipynb'), `notebooks/ holds ${notebooks.join(', ') || 'nothing'}`);
  });

  for (const name of notebooks) {
    it(name, async () => {
      const run = await runNotebook(join(folder, name), { cellTimeoutMs: 30_000 });
      assert.deepEqual(run.failures.map(formatFailure), []);
    });
  }
});

/** The text and the code of a notebook, as a student reads them. */
function readNotebook(name: string): { text: string; code: string } {
  const { cells } = JSON.parse(readFileSync(join(folder, name), 'utf8')) as { cells: Array<{ cell_type: string; source: string[] }> };
  const of = (type: string) =>
    cells
      .filter((cell) => cell.cell_type === type)
      .map((cell) => cell.source.join(''))
      .join('\n');
  return { text: of('markdown'), code: of('code') };
}

describe('what the notebooks tell a student to type works as written', () => {
  const scripts = Object.keys((JSON.parse(readFileSync(join(kitRoot, 'package.json'), 'utf8')) as { scripts: object }).scripts);
  const exercises = (
    JSON.parse(readFileSync(join(kitRoot, 'exercises', 'manifest.json'), 'utf8')) as { exercises: Array<{ name: string }> }
  ).exercises.map((exercise) => exercise.name);

  for (const name of notebooks) {
    it(`${name}: check() calls, npm commands, exercise folders, code lines that fit a cell`, () => {
      const { text, code } = readNotebook(name);
      for (const [, exercise] of text.matchAll(/`await check\('([^']+)'\)`/g)) {
        assert.ok(exercises.includes(exercise), `check('${exercise}'): no such exercise (${exercises.join(', ')})`);
        assert.match(code, /import \{[^}]*\bcheck\b[^}]*\} from 'course-kit';/, `${name} says to call check() but never imports it`);
      }
      for (const [, script] of text.matchAll(/`npm run ([\w:-]+)/g)) {
        assert.ok(scripts.includes(script), `"npm run ${script}": package.json has no such script`);
      }
      const long = code.split('\n').filter((line) => line.length > 100);
      assert.deepEqual(long, [], 'code lines over 100 characters run off the cell in the browser');
      for (const [path] of text.matchAll(/\bexercises\/[\w-]+\/[\w-]+/g)) {
        assert.ok(existsSync(join(kitRoot, path)), `${path} does not exist`);
      }
    });
  }
});
