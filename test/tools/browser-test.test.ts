/**
 * `npm run test:browser` (src/tools/browser-test.ts, src/tools/browser/): run on a notebook with
 * planted failures, it must report each one (a broken image, an error, a cell
 * the kernel skipped), take a screenshot, and stop Jupyter, the kernel and the
 * browser (the leak check after each test fails if anything is left running).
 * The real course notebooks are checked by `npm run test:browser` itself.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compiledEntry, kitRoot } from '../../src/paths.js';
import { runBrowserTest } from '../../src/tools/browser/run-browser-test.js';
import { assertUsageError, runCli } from './run-cli.js';

const fixtures = join(kitRoot, 'test', 'fixtures', 'browser-test');

describe('npm run test:browser', function () {
  this.timeout(120_000);

  it('reports every planted failure in a notebook, with a screenshot, and leaves nothing running', async () => {
    const shots = mkdtempSync(join(tmpdir(), 'course-kit-browser-test-'));
    const notebook = join(fixtures, 'planted-failures.ipynb');
    const before = readFileSync(notebook, 'utf8');
    try {
      const [check, ...others] = await runBrowserTest({ notebookDir: fixtures, screenshotDir: shots, notebookTimeoutMs: 90_000 });
      assert.deepEqual(others, [], 'one notebook, and the notebook file was not changed');
      assert.equal(check.notebook, 'planted-failures.ipynb');
      assert.equal(check.ok, false);
      assert.equal(check.cells, 5, 'five code cells (one of them empty)');
      assert.equal(check.problems.length, 3, check.problems.join('\n'));
      assert.match(check.problems[0], /^cell 3: 1 of 1 image\(s\) did not load or have no size$/);
      assert.match(check.problems[1], /^cell 5: (stderr|error): .*a planted failure/);
      assert.match(check.problems[2], /^cell 6: did not run \(the kernel skips the cells after a failure\)$/);
      assert.equal(check.screenshot, join(shots, 'planted-failures.png'));
      assert.deepEqual([...readFileSync(check.screenshot).subarray(1, 4)], [...Buffer.from('PNG')]);
      assert.equal(readFileSync(notebook, 'utf8'), before, 'nothing was saved');
    } finally {
      rmSync(shots, { recursive: true, force: true });
    }
  });

  it('names the install script when Chromium is missing, and rejects bad options: one line, exit code 2', async () => {
    const cli = compiledEntry('tools/browser-test.ts');
    const missing = await runCli(cli, [], { env: { ...process.env, CHROMIUM_PATH: '/nonexistent/chromium' } });
    assertUsageError(missing, /^error: Chromium was not found at \/nonexistent\/chromium\. Install it with "bash \.ci\/install-browser"/);
    assertUsageError(await runCli(cli, ['--fast']), /^error: unknown option --fast; usage: npm run test:browser/);
    assertUsageError(await runCli(cli, ['--timeout', 'soon']), /^error: --timeout must be a number of seconds above 0, got "soon"$/);
  });
});
