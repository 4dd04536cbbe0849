/**
 * How every benchmark reports. These machines are shared and noisy, so a figure
 * on its own means little: each row is measured side by side with a baseline in
 * the same process and run, and the ratio between them is what to read.
 */
export interface BenchRow {
  /** What is measured, e.g. "pool overhead (trivial task x 100,000)". */
  benchmark: string;
  /** The kit's figure, e.g. 182000. */
  value: number;
  /** Unit of `value` and `baselineValue`, e.g. "tasks/s" or "ms". */
  unit: string;
  /** What it is compared with, e.g. "piscina", "raw process.send". */
  baseline?: string;
  baselineValue?: number;
  /** value / baselineValue, or another derived figure (speedup, efficiency). */
  ratio?: number;
  /** The goal, in words, e.g. ">= 1.0 x piscina". */
  goal?: string;
  /** Whether the goal was met on this run. */
  met?: boolean;
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(3);
}

/** Prints rows as an aligned plain-text table. */
export function printTable(title: string, rows: BenchRow[]): void {
  const header = ['benchmark', 'kit', 'baseline', 'ratio', 'goal', 'met'];
  const lines = rows.map((row) => [
    row.benchmark,
    `${formatNumber(row.value)} ${row.unit}`,
    row.baseline ? `${row.baseline}: ${formatNumber(row.baselineValue ?? NaN)} ${row.unit}` : '',
    row.ratio === undefined ? '' : `${row.ratio.toFixed(2)}`,
    row.goal ?? '',
    row.met === undefined ? '' : row.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((cell, column) => Math.max(cell.length, ...lines.map((line) => line[column].length)));
  const format = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]))
      .join('  ')
      .trimEnd();
  console.log(`\n${title}`);
  console.log(format(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const line of lines) console.log(format(line));
}
