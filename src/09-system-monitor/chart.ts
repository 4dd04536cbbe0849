/**
 * The monitor as a picture: the history of each sensor over time, with the
 * ALERT threshold as a dashed line. Percent sensors share the left axis
 * (0-100 %); others (lag in ms, temperature in °C) get the right axis.
 */
import type { ChartConfiguration } from 'chart.js';
import type { AnalysedReading } from './analyzer.js';

const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#b07aa1', '#9c755f', '#edc948'];

export interface MonitorChartOptions {
  title?: string;
  /** The threshold line (default: the first reading's threshold, else 70). */
  threshold?: number;
}

export function monitorChart(readings: readonly AnalysedReading[], options: MonitorChartOptions = {}): ChartConfiguration {
  const measured = readings.filter((reading) => reading.value !== undefined);
  const origin = measured.length ? Math.min(...measured.map((reading) => reading.takenAt)) : 0;
  const end = measured.length ? Math.max(...measured.map((reading) => reading.takenAt)) : 1000;
  const sensors = [...new Set(measured.map((reading) => reading.sensor))];
  const threshold = options.threshold ?? readings[0]?.threshold ?? 70;
  const hasOtherUnits = measured.some((reading) => reading.unit !== '%');
  const datasets: Record<string, unknown>[] = sensors.map((sensor, index) => {
    const own = measured.filter((reading) => reading.sensor === sensor);
    const { unit, simulated } = own[0];
    return {
      label: `${sensor}${simulated ? ' (simulated)' : ''} [${unit}]`,
      data: own.map((reading) => ({ x: (reading.takenAt - origin) / 1000, y: reading.value })),
      borderColor: PALETTE[index % PALETTE.length],
      backgroundColor: PALETTE[index % PALETTE.length],
      yAxisID: unit === '%' ? 'y' : 'y2',
      pointRadius: own.map((reading) => (reading.status === 'ALERT' ? 4 : 2)),
      tension: 0.2,
    };
  });
  datasets.push({
    label: `threshold (${threshold})`,
    data: [
      { x: 0, y: threshold },
      { x: Math.max((end - origin) / 1000, 1), y: threshold },
    ],
    borderColor: '#d62728',
    borderDash: [6, 4],
    pointRadius: 0,
    yAxisID: 'y',
  });
  return {
    type: 'line',
    data: { datasets: datasets as unknown as ChartConfiguration<'line'>['data']['datasets'] },
    options: {
      animation: false,
      plugins: { title: { display: true, text: options.title ?? 'System monitor' } },
      scales: {
        x: { type: 'linear', min: 0, title: { display: true, text: 'seconds since the first reading' } },
        y: { min: 0, max: 100, title: { display: true, text: '%' } },
        ...(hasOtherUnits && {
          y2: { position: 'right', min: 0, grid: { drawOnChartArea: false }, title: { display: true, text: 'ms / °C' } },
        }),
      },
    },
  } as ChartConfiguration;
}
