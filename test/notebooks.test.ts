/**
 * Every notebook in notebooks/ runs top to bottom, headless, on the tslab
 * kernel, with no failing cell (no error, no type error, no stderr, nothing
 * aborted, no cell past its time bound).
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
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
