/**
 * How the monitor shows a reading in a terminal, as the seed does:
 *
 *   12:04:31 | cpu          [########------------]  41.3%  NORMAL
 *
 * Color (red ALERT, green NORMAL) only when the output is a terminal and
 * NO_COLOR is not set (https://no-color.org); `--json` prints one JSON object
 * per line instead, for other programs.
 */
import type { AnalyzedReading } from './analyzer.js';

/** `[########------------]` for `value` out of `max`. */
export function progressBar(value: number, max = 100, width = 20): string {
  const filled = Math.round((Math.min(Math.max(value, 0), max) / max) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(stream.isTTY) && !('NO_COLOR' in env && env.NO_COLOR !== '');
}

const RED = '\u001b[91m';
const GREEN = '\u001b[92m';
const RESET = '\u001b[0m';

export function clock(time: number): string {
  return new Date(time).toTimeString().slice(0, 8);
}

/** One line of the terminal view. */
export function formatReading(reading: AnalyzedReading, color: boolean): string {
  const name = `${reading.sensor}${reading.simulated ? ' (simulated)' : ''}`.padEnd(22);
  if (reading.value === undefined) return `${clock(reading.takenAt)} | ${name} not available on this machine`;
  const scaleMax = reading.unit === '%' ? 100 : Math.max(100, reading.threshold / 0.7);
  const amount = `${reading.value.toFixed(1)}${reading.unit === '%' ? '%' : ` ${reading.unit}`}`.padStart(9);
  const status = reading.status.padEnd(6);
  const painted = color ? `${reading.status === 'ALERT' ? RED : GREEN}${status}${RESET}` : status;
  return `${clock(reading.takenAt)} | ${name} ${progressBar(reading.value, scaleMax)} ${amount}  ${painted}`;
}

/**
 * One reading as the seed prints it (--seed-profile): the bar line, then the
 * analyzer's verdict on a line of its own, colored.
 *
 *   12:04:31 | cpu          [########------------] 41.3%
 *   cpu: NORMAL
 */
export function formatSeedReading(reading: AnalyzedReading, color: boolean): string {
  const name = reading.sensor.padEnd(12);
  const verdict = `${reading.sensor}: ${reading.status}`;
  const painted = color && reading.status !== 'N/A' ? `${reading.status === 'ALERT' ? RED : GREEN}${verdict}${RESET}` : verdict;
  if (reading.value === undefined) return `${clock(reading.takenAt)} | ${name} not available on this machine\n${painted}`;
  const scaleMax = reading.unit === '%' ? 100 : Math.max(100, reading.threshold / 0.7);
  const amount = `${reading.value.toFixed(1)}${reading.unit === '%' ? '%' : ` ${reading.unit}`}`;
  return `${clock(reading.takenAt)} | ${name} ${progressBar(reading.value, scaleMax)} ${amount}\n${painted}`;
}
