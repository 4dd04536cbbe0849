/**
 * What the monitor prints when it stops: per sensor, how many readings were
 * taken and analyzed, how many were alerts, and min / mean / max.
 */
import type { AnalyzedReading } from './analyzer.js';

export interface SensorSummary {
  sensor: string;
  unit: string;
  simulated: boolean;
  taken: number;
  analyzed: number;
  alerts: number;
  min: number | undefined;
  mean: number | undefined;
  max: number | undefined;
}

export class SummaryBuilder {
  readonly #sensors = new Map<string, SensorSummary & { sum: number; valued: number }>();

  /** Registers a sensor so it shows even with no readings. */
  addSensor(sensor: string, unit: string, simulated: boolean): void {
    if (!this.#sensors.has(sensor)) {
      this.#sensors.set(sensor, {
        sensor,
        unit,
        simulated,
        taken: 0,
        analyzed: 0,
        alerts: 0,
        min: undefined,
        mean: undefined,
        max: undefined,
        sum: 0,
        valued: 0,
      });
    }
  }

  taken(sensor: string): void {
    this.#sensors.get(sensor)!.taken++;
  }

  analyzed(reading: AnalyzedReading): void {
    const entry = this.#sensors.get(reading.sensor)!;
    entry.analyzed++;
    if (reading.status === 'ALERT') entry.alerts++;
    if (reading.value !== undefined) {
      entry.valued++;
      entry.sum += reading.value;
      entry.min = Math.min(entry.min ?? Infinity, reading.value);
      entry.max = Math.max(entry.max ?? -Infinity, reading.value);
      entry.mean = entry.sum / entry.valued;
    }
  }

  build(): SensorSummary[] {
    return [...this.#sensors.values()].map(({ sum: _sum, valued: _valued, ...summary }) => summary);
  }
}

/** The summary as an aligned text table. */
export function formatSummary(rows: SensorSummary[]): string {
  const number = (value: number | undefined): string => (value === undefined ? '-' : value.toFixed(1));
  const table = [
    ['sensor', 'taken', 'analyzed', 'alerts', 'min', 'mean', 'max'],
    ...rows.map((row) => [
      `${row.sensor}${row.simulated ? ' (simulated)' : ''} [${row.unit}]`,
      String(row.taken),
      String(row.analyzed),
      String(row.alerts),
      number(row.min),
      number(row.mean),
      number(row.max),
    ]),
  ];
  const widths = table[0].map((_, column) => Math.max(...table.map((line) => line[column].length)));
  return table
    .map((line) => line.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  '))
    .join('\n');
}
