/**
 * Charts as PNG images. chart.js draws onto a server-side canvas
 * (@napi-rs/canvas), so a chart is an ordinary PNG file: it shows in every
 * Jupyter front end, in exported HTML, on code hosts and in slides, with no
 * browser script to trust. `showChart` (src/notebook/display.ts) puts one in a
 * notebook; `saveChartPng` writes one to disk.
 */
import { createCanvas } from './canvas.js';
import { Chart, registerables, type ChartConfiguration, type Plugin } from 'chart.js';
import { writeFile } from 'node:fs/promises';

Chart.register(...registerables);
// The fonts every chart uses (DejaVu comes with Debian's fonts-dejavu-core, which setup installs).
Chart.defaults.font.family = 'DejaVu Sans, Arial, sans-serif';
Chart.defaults.font.size = 13;

export interface ChartSize {
  /** Width in CSS pixels (default 800). */
  width?: number;
  /** Height in CSS pixels (default 450). */
  height?: number;
  /** Pixel density (default 2: sharp on high-density screens and in slides). */
  scale?: number;
}

const defaults = { width: 800, height: 450, scale: 2 };

/** PNGs are transparent by default; dark themes would hide the axes. */
const whiteBackground: Plugin = {
  id: 'course-kit-white-background',
  beforeDraw(chart) {
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

/** Renders a chart.js configuration to PNG bytes. */
export function renderChartPng(config: ChartConfiguration, size: ChartSize = {}): Buffer {
  const { width, height, scale } = { ...defaults, ...size };
  for (const [name, value] of Object.entries({ width, height, scale })) {
    if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
      throw new RangeError(`${name} must be a positive number, got ${String(value)}`);
    }
  }
  // The canvas is made at CSS size; chart.js multiplies it by devicePixelRatio.
  const canvas = createCanvas(Math.round(width), Math.round(height));
  const chart = new Chart(
    canvas as unknown as ConstructorParameters<typeof Chart>[0],
    {
      ...config,
      options: {
        ...config.options,
        responsive: false,
        animation: false,
        devicePixelRatio: scale,
        layout: { padding: 16, ...config.options?.layout },
      },
      plugins: [whiteBackground, ...(config.plugins ?? [])],
    } as ChartConfiguration,
  );
  try {
    return canvas.toBuffer('image/png');
  } finally {
    chart.destroy();
  }
}

/** Renders a chart and writes it to `path` as a PNG. */
export async function saveChartPng(path: string, config: ChartConfiguration, size: ChartSize = {}): Promise<void> {
  await writeFile(path, renderChartPng(config, size));
}
