/**
 * The toolchain's own costs, each against the nearest baseline in the same run:
 * - a chart.js bar chart rendered to PNG vs encoding a blank canvas of the same
 *   size (so the ratio is what drawing the chart adds to PNG encoding);
 * - a tslab kernel started and answering, vs a bare `node -e` process.
 */
import { createCanvas } from '@napi-rs/canvas';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { kitRoot } from '../src/paths.js';
import { renderChartPng } from '../src/notebook/charts.js';
import { KernelClient } from '../src/tools/kernel-client.js';
import { median } from './side-by-side.js';
import { printTable, type BenchRow } from './report.js';

function time(fn: () => void): number {
  const started = performance.now();
  fn();
  return performance.now() - started;
}

const config = {
  type: 'bar' as const,
  data: { labels: ['sequential', 'Promise.all', 'workers'], datasets: [{ label: 'seconds', data: [4, 1.1, 1.3] }] },
  options: { plugins: { title: { display: true, text: 'Four I/O jobs' } } },
};

const firstChartMs = time(() => renderChartPng(config));
const chartMs: number[] = [];
const blankMs: number[] = [];
for (let round = 0; round < 20; round += 1) {
  chartMs.push(time(() => renderChartPng(config)));
  blankMs.push(time(() => createCanvas(1600, 900).toBuffer('image/png')));
}

const kernelMs: number[] = [];
const nodeMs: number[] = [];
for (let round = 0; round < 3; round += 1) {
  const started = performance.now();
  const kernel = await KernelClient.start({ cwd: join(kitRoot, 'notebooks') });
  const result = await kernel.execute('1 + 1', 30_000);
  kernelMs.push(performance.now() - started);
  await kernel.shutdown();
  if (result.status !== 'ok') throw new Error(`the kernel did not run 1 + 1: ${result.status}`);
  nodeMs.push(time(() => execFileSync(process.execPath, ['-e', '0'])));
}

const rows: BenchRow[] = [
  {
    benchmark: 'bar chart to PNG (800x450 @2x), median of 20',
    value: median(chartMs),
    unit: 'ms',
    baseline: 'blank canvas PNG',
    baselineValue: median(blankMs),
    ratio: median(chartMs) / median(blankMs),
  },
  {
    benchmark: 'first chart in a process (loads fonts)',
    value: firstChartMs,
    unit: 'ms',
    baseline: 'later charts',
    baselineValue: median(chartMs),
    ratio: firstChartMs / median(chartMs),
  },
  {
    benchmark: 'tslab kernel start to first result, median of 3',
    value: median(kernelMs),
    unit: 'ms',
    baseline: 'bare node -e 0',
    baselineValue: median(nodeMs),
    ratio: median(kernelMs) / median(nodeMs),
  },
];
printTable('Toolchain', rows);
