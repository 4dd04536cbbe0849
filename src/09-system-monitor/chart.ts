/**
 * The monitor as a picture: the history of each sensor over time, one y axis
 * per unit (%, ms, °C), and each ALERT threshold as a dashed line drawn on the
 * axis of the sensors it applies to: 70 % for CPU is not 70 ms of lag.
 *
 * The % axis runs from 0 to 100 and grows past 100 when a reading does: the
 * load sensor is the 1-minute load per core, which is above 100 % whenever more
 * work is waiting than there are cores (450 % on a busy 2-core box).
 */
import type { ChartConfiguration } from 'chart.js';
import type { AnalyzedReading } from './analyzer.js';

const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#b07aa1', '#9c755f', '#edc948'];
const THRESHOLD_COLORS = ['#d62728', '#8c1d40', '#ff7f0e'];

export interface MonitorChartOptions {
  title?: string;
}

/** The y axis id for a unit: 'y' for %, 'y-ms', 'y-°C'... */
export function axisFor(unit: string): string {
  return unit === '%' ? 'y' : `y-${unit}`;
}

export function monitorChart(readings: readonly AnalyzedReading[], options: MonitorChartOptions = {}): ChartConfiguration {
  const measured = readings.filter((reading) => reading.value !== undefined);
  const origin = measured.length ? Math.min(...measured.map((reading) => reading.takenAt)) : 0;
  const end = measured.length ? Math.max(...measured.map((reading) => reading.takenAt)) : 1000;
  const sensors = [...new Set(measured.map((reading) => reading.sensor))];
  const datasets: Record<string, unknown>[] = [];
  // Per unit: its largest value, and each threshold with the sensors it applies to.
  const units = new Map<string, { max: number; thresholds: Map<number, string[]> }>();
  sensors.forEach((sensor, index) => {
    const own = measured.filter((reading) => reading.sensor === sensor);
    const { unit, simulated, threshold } = own[0];
    const entry = units.get(unit) ?? { max: 0, thresholds: new Map<number, string[]>() };
    units.set(unit, entry);
    entry.max = Math.max(entry.max, ...own.map((reading) => reading.value!));
    // Each reading carries the threshold it was analyzed against.
    entry.thresholds.set(threshold, [...(entry.thresholds.get(threshold) ?? []), sensor]);
    datasets.push({
      label: `${sensor}${simulated ? ' (simulated)' : ''} [${unit}]`,
      data: own.map((reading) => ({ x: (reading.takenAt - origin) / 1000, y: reading.value })),
      borderColor: PALETTE[index % PALETTE.length],
      backgroundColor: PALETTE[index % PALETTE.length],
      yAxisID: axisFor(unit),
      pointRadius: own.map((reading) => (reading.status === 'ALERT' ? 4 : 2)),
      tension: 0.2,
    });
  });
  const xEnd = Math.max((end - origin) / 1000, 1);
  let lines = 0;
  for (const [unit, { thresholds }] of units) {
    for (const [level, names] of thresholds) {
      datasets.push({
        label: `ALERT at >= ${level} ${unit} (${names.join(', ')})`,
        data: [
          { x: 0, y: level },
          { x: xEnd, y: level },
        ],
        borderColor: THRESHOLD_COLORS[lines++ % THRESHOLD_COLORS.length],
        borderDash: [6, 4],
        pointRadius: 0,
        yAxisID: axisFor(unit),
      });
    }
  }
  const scales: Record<string, unknown> = {
    x: { type: 'linear', min: 0, title: { display: true, text: 'seconds since the first reading' } },
  };
  let side = 0;
  for (const [unit, { max, thresholds }] of units) {
    const top = Math.max(max, ...thresholds.keys());
    scales[axisFor(unit)] = {
      position: side++ % 2 === 0 ? 'left' : 'right',
      min: 0,
      // Percent: 0-100, and higher when a reading is (load per core).
      ...(unit === '%' ? { max: top > 100 ? Math.ceil(top / 50) * 50 : 100 } : { suggestedMax: top * 1.1 }),
      grid: { drawOnChartArea: side === 1 },
      title: { display: true, text: unit },
    };
  }
  return {
    type: 'line',
    data: { datasets: datasets as unknown as ChartConfiguration<'line'>['data']['datasets'] },
    options: {
      animation: false,
      plugins: { title: { display: true, text: options.title ?? 'System monitor' } },
      scales,
    },
  } as ChartConfiguration;
}
