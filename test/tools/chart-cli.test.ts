/**
 * `npm run chart` (dist/tools/chart.js): a chart.js configuration in a JSON file
 * becomes a PNG file; bad input is one line naming what was wrong, exit code 2.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compiledEntry } from '../../src/paths.js';
import { assertUsageError, runCli as runProgram } from './run-cli.js';

const runCli = (args: string[]) => runProgram(compiledEntry('tools/chart.ts'), args);

describe('npm run chart', () => {
  let folder: string;
  beforeEach(() => (folder = mkdtempSync(join(tmpdir(), 'chart-cli-'))));
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('writes a PNG of the requested size (CSS pixels times the scale)', async () => {
    const config = join(folder, 'bars.json');
    const out = join(folder, 'bars.png');
    writeFileSync(config, JSON.stringify({ type: 'bar', data: { labels: ['a', 'b'], datasets: [{ label: 'n', data: [1, 2] }] } }));
    const result = await runCli([config, out, '--width', '400', '--height', '200', '--scale', '1']);
    assert.equal(result.code, 0, result.stderr);
    const png = readFileSync(out);
    assert.deepEqual([...png.subarray(1, 4)].map((byte) => String.fromCharCode(byte)).join(''), 'PNG');
    assert.equal(png.readUInt32BE(16), 400, 'width from the IHDR chunk');
    assert.equal(png.readUInt32BE(20), 200, 'height from the IHDR chunk');
  });

  it('names the missing file, the bad JSON, the non-chart and the bad size: one line each, exit code 2', async () => {
    const out = join(folder, 'x.png');
    assertUsageError(await runCli([join(folder, 'nope.json'), out]), /^error: config file .*nope\.json cannot be read/);

    const broken = join(folder, 'broken.json');
    writeFileSync(broken, '{ type: ');
    assertUsageError(await runCli([broken, out]), /^error: config file .*broken\.json is not valid JSON/);

    const notChart = join(folder, 'list.json');
    writeFileSync(notChart, '[1, 2]');
    assertUsageError(await runCli([notChart, out]), /must hold a chart\.js configuration/);

    assertUsageError(await runCli([notChart, out, '--width', '-3']), /^error: --width must be a number above 0, got "-3"$/);
    assertUsageError(await runCli([notChart, out, '--scale']), /^error: --scale needs a value$/);
    assertUsageError(await runCli([notChart]), /^error: expected a config file and an output file; usage: npm run chart -- /);
    assertUsageError(await runCli([notChart, out, '--dpi', '2']), /^error: unknown option --dpi; usage: npm run chart -- /);
  });
});
