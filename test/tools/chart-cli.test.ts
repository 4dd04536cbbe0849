/**
 * `npm run chart` (dist/tools/chart.js): a chart.js configuration in a JSON file
 * becomes a PNG file; bad input is one line naming what was wrong, exit code 2.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { compiledEntry } from '../../src/paths.js';

const chartCli = compiledEntry('tools/chart.ts');

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function runCli(args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [chartCli, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

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

  it('names the missing file, the bad JSON, the non-chart and the bad size; exit code 2', async () => {
    const missing = await runCli([join(folder, 'nope.json'), join(folder, 'x.png')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.json cannot be read/);

    const broken = join(folder, 'broken.json');
    writeFileSync(broken, '{ type: ');
    assert.match((await runCli([broken, join(folder, 'x.png')])).stderr, /broken\.json is not valid JSON/);

    const notChart = join(folder, 'list.json');
    writeFileSync(notChart, '[1, 2]');
    assert.match((await runCli([notChart, join(folder, 'x.png')])).stderr, /must hold a chart\.js configuration/);

    const badSize = await runCli([notChart, join(folder, 'x.png'), '--width', '-3']);
    assert.equal(badSize.code, 2);
    assert.match(badSize.stderr, /--width must be a positive number, got -3/);
    assert.doesNotMatch(badSize.stderr + missing.stderr, /\n\s+at /, 'no stack trace');
  });
});
