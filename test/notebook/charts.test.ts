import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderChartPng, saveChartPng } from '../../src/notebook/charts.js';

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG', 'not a PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

const bars = {
  type: 'bar' as const,
  data: { labels: ['a', 'b'], datasets: [{ label: 'ms', data: [3, 5] }] },
};

describe('charts rendered to PNG', () => {
  it('renders at the requested size times the pixel density, on a white background', () => {
    const png = renderChartPng(bars, { width: 400, height: 200, scale: 2 });
    assert.deepEqual(pngSize(png), { width: 800, height: 400 });
    const small = renderChartPng(bars, { width: 300, height: 150, scale: 1 });
    assert.deepEqual(pngSize(small), { width: 300, height: 150 });
    assert.ok(png.length > 5000, `a chart with axes and labels is more than a blank image (${png.length} bytes)`);
  });

  it('writes a PNG file', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'chart-'));
    try {
      await saveChartPng(join(folder, 'chart.png'), bars);
      assert.deepEqual(pngSize(readFileSync(join(folder, 'chart.png'))), { width: 1600, height: 900 });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('rejects a size that is not a positive number, naming it', () => {
    assert.throws(() => renderChartPng(bars, { width: 0 }), /width must be a positive number, got 0/);
    assert.throws(() => renderChartPng(bars, { height: -5 }), /height must be a positive number, got -5/);
  });
});
