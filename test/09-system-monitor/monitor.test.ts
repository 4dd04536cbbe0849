import assert from 'node:assert/strict';
import { SystemMonitor, runMonitor } from '../../src/09-system-monitor/monitor.js';
import { monitorOptions } from '../../src/09-system-monitor/live.js';
import { simulatedSensor, temperatureSensor, type Sensor } from '../../src/09-system-monitor/sensors.js';
import { monitorChart } from '../../src/09-system-monitor/chart.js';
import { renderChartPng } from '../../src/notebook/charts.js';
import type { AnalyzedReading } from '../../src/09-system-monitor/analyzer.js';

/** Each sensor's readings must be seq 1..n, each exactly once. */
function assertExactlyOnce(readings: AnalyzedReading[], taken: Record<string, number>): void {
  for (const [sensor, count] of Object.entries(taken)) {
    const seqs = readings
      .filter((reading) => reading.sensor === sensor)
      .map((reading) => reading.seq)
      .sort((a, b) => a - b);
    assert.deepEqual(
      seqs,
      Array.from({ length: count }, (_, i) => i + 1),
      `${sensor}: every reading taken analyzed exactly once`,
    );
  }
}

describe('SystemMonitor', () => {
  it('analyses every reading of every sensor exactly once and classifies it against its threshold', async () => {
    const sensors: Sensor[] = ['a', 'b', 'c'].map((name, index) => simulatedSensor(`sim-${name}`, index + 1));
    const readings: AnalyzedReading[] = [];
    const result = await runMonitor(monitorOptions({ count: 8, intervalMs: 10, pool: 'threads', thresholds: { 'sim-a': 50 } }), {
      sensors,
      onReading: (reading) => void readings.push(reading),
    });
    assert.equal(result.reason, 'count');
    assert.equal(readings.length, 24);
    assertExactlyOnce(readings, { 'sim-a': 8, 'sim-b': 8, 'sim-c': 8 });
    for (const reading of readings) {
      assert.equal(reading.simulated, true);
      assert.equal(reading.status, reading.value! >= reading.threshold ? 'ALERT' : 'NORMAL');
      assert.equal(reading.threshold, reading.sensor === 'sim-a' ? 50 : 70);
    }
    for (const row of result.summary) {
      assert.equal(row.taken, 8);
      assert.equal(row.analyzed, 8);
      assert.equal(row.alerts, readings.filter((r) => r.sensor === row.sensor && r.status === 'ALERT').length);
    }
  });

  it('stop() mid-stream: the sensors stop, and every reading already taken is still analyzed once', async () => {
    const readings: AnalyzedReading[] = [];
    const monitor = new SystemMonitor(monitorOptions({ intervalMs: 5, pool: 'threads' }), {
      sensors: [simulatedSensor('fast-1', 1), simulatedSensor('fast-2', 2)],
      onReading: (reading) => {
        readings.push(reading);
        if (readings.length === 10) void monitor.stop();
      },
    });
    const result = await monitor.run();
    assert.equal(result.reason, 'stopped');
    const taken = Object.fromEntries(result.summary.map((row) => [row.sensor, row.taken]));
    for (const row of result.summary) assert.equal(row.analyzed, row.taken, `${row.sensor}: taken ${row.taken}, analyzed ${row.analyzed}`);
    assertExactlyOnce(readings, taken);
    assert.ok(readings.length >= 10);
  });

  it('stops at its duration, and on an aborted signal', async () => {
    const byDuration = await runMonitor(monitorOptions({ durationMs: 150, intervalMs: 20, pool: 'threads' }), {
      sensors: [simulatedSensor()],
    });
    assert.equal(byDuration.reason, 'duration');
    assert.ok(byDuration.summary[0].analyzed >= 3);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const bySignal = await runMonitor(monitorOptions({ intervalMs: 20, pool: 'threads' }), {
      sensors: [simulatedSensor()],
      signal: controller.signal,
    });
    assert.equal(bySignal.reason, 'stopped');
  });

  it('a sensor the machine lacks says "not available" instead of inventing a number', async () => {
    const readings: AnalyzedReading[] = [];
    await runMonitor(monitorOptions({ count: 2, intervalMs: 10, pool: 'threads' }), {
      sensors: [temperatureSensor('/nonexistent/thermal')],
      onReading: (reading) => void readings.push(reading),
    });
    assert.deepEqual(
      readings.map((r) => [r.value, r.status]),
      [
        [undefined, 'N/A'],
        [undefined, 'N/A'],
      ],
    );
  });

  it('draws each unit on its own axis, and each threshold on the axis of the sensors it applies to', () => {
    const reading = (sensor: string, unit: string, value: number, at: number, threshold = 70): AnalyzedReading => ({
      sensor,
      unit,
      simulated: false,
      value,
      takenAt: at,
      seq: 1,
      threshold,
      status: value >= threshold ? 'ALERT' : 'NORMAL',
    });
    const config = monitorChart([
      reading('cpu', '%', 40, 0),
      reading('cpu', '%', 80, 1000),
      reading('load', '%', 450, 1000),
      reading('lag', 'ms', 12, 500, 50),
    ]);
    const datasets = config.data.datasets as { label: string; yAxisID: string; data: { y: number }[] }[];
    assert.deepEqual(
      datasets.map((dataset) => [dataset.label, dataset.yAxisID]),
      [
        ['cpu [%]', 'y'],
        ['load [%]', 'y'],
        ['lag [ms]', 'y-ms'],
        ['ALERT at >= 70 % (cpu, load)', 'y'],
        ['ALERT at >= 50 ms (lag)', 'y-ms'],
      ],
    );
    assert.deepEqual(
      datasets.at(-1)!.data.map((point) => point.y),
      [50, 50],
      "lag's line at lag's threshold, on the ms axis",
    );
    const scales = config.options!.scales as Record<string, { max?: number; title: { text: string } }>;
    assert.equal(scales.y.max, 450, 'load at 450 % stays on the chart');
    assert.equal(scales['y-ms'].title.text, 'ms');
    assert.equal(monitorChart([reading('cpu', '%', 40, 0)]).options!.scales!.y!.max, 100, 'percent alone: 0-100');
    assert.ok(renderChartPng(config).length > 1000);
  });
});
