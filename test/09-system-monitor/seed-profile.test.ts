/**
 * The seed's run (--seed-profile): its intervals, its end markers, its
 * `get(timeout=1)`, and its one-analysis-at-a-time pool, against the kit's
 * concurrent analysis. The sensors run on a clock the test moves by hand, so
 * the order and counts of readings are exact on any machine, however busy.
 */
import assert from 'node:assert/strict';
import { ManualClock } from '../06-daemons/manual-clock.js';
import { SystemMonitor, runMonitor } from '../../src/09-system-monitor/monitor.js';
import { seedProfile } from '../../src/09-system-monitor/options.js';
import { measureAnalysis } from '../../src/09-system-monitor/compare.js';
import type { Sensor } from '../../src/09-system-monitor/sensors.js';
import type { RawReading } from '../../src/09-system-monitor/analyzer.js';

/** A sensor that logs "<virtual ms> <name> #<n>" each time it is read. */
function loggingSensor(name: string, clock: ManualClock, log: string[], value = 50): Sensor {
  let reads = 0;
  return {
    name,
    unit: '%',
    simulated: true,
    async read() {
      log.push(`${clock.now()} ${name} #${++reads}`);
      return value;
    },
  };
}

function seedSensors(clock: ManualClock, log: string[]): Sensor[] {
  return ['cpu', 'memory', 'temperature'].map((name) => loggingSensor(name, clock, log));
}

/** Moves the clock to `ms` in 50 ms steps, letting the monitor's work run between them. */
async function advanceTo(clock: ManualClock, ms: number): Promise<void> {
  while (clock.now() < ms) await clock.advance(50);
}

describe('the seed profile (seed 002)', () => {
  it("reads cpu every 1.5 s, memory every 2 s, temperature every 1.8 s, 5 each, then each sensor's end marker", async () => {
    const clock = new ManualClock();
    const log: string[] = [];
    const analyzed: string[] = [];
    const running = runMonitor(seedProfile({ pool: 'threads', analyzeMs: 0 }), {
      sensors: seedSensors(clock, log),
      clock,
      onReading: (reading) => void analyzed.push(`${reading.sensor} #${reading.seq}`),
      onSensorDone: (sensor) => void log.push(`${clock.now()} ${sensor} done`),
    });
    await advanceTo(clock, 10_500);
    const result = await running;
    assert.deepEqual(log, [
      '0 cpu #1',
      '0 memory #1',
      '0 temperature #1',
      '1500 cpu #2',
      '1800 temperature #2',
      '2000 memory #2',
      '3000 cpu #3',
      '3600 temperature #3',
      '4000 memory #3',
      '4500 cpu #4',
      '5400 temperature #4',
      '6000 memory #4',
      '6000 cpu #5',
      '7200 temperature #5',
      // The seed's sensor sleeps one interval after its last reading, then puts (name, None, None).
      '7500 cpu done',
      '8000 memory #5',
      '9000 temperature done',
      '10000 memory done',
    ]);
    // One queue, one consumer, one analysis at a time: analyzed in the order read.
    const reads = log.filter((line) => !line.endsWith('done')).map((line) => line.replace(/^\d+ /, ''));
    assert.deepEqual(analyzed, reads);
    assert.equal(result.reason, 'count');
    assert.equal(result.endedBy, 'markers', 'the end markers, not a closed queue, ended the consumer');
    assert.equal(result.markers, 3);
    assert.equal(result.maxInFlight, 1, "the seed's apply_async + get: never more than one analysis in flight");
    for (const row of result.summary) assert.deepEqual([row.sensor, row.taken, row.analyzed], [row.sensor, 5, 5]);
  });

  it('stopped early, every sensor still puts its end marker, and they end the consumer with every reading analyzed', async () => {
    const clock = new ManualClock();
    const log: string[] = [];
    const done: string[] = [];
    const monitor = new SystemMonitor(seedProfile({ pool: 'threads', analyzeMs: 0 }), {
      sensors: seedSensors(clock, log),
      clock,
      onSensorDone: (sensor) => void done.push(sensor),
    });
    const running = monitor.run();
    await advanceTo(clock, 2000); // cpu x2, temperature x2, memory x2
    await monitor.stop();
    const result = await running;
    assert.deepEqual(done.sort(), ['cpu', 'memory', 'temperature']);
    assert.equal(result.endedBy, 'markers');
    assert.equal(result.reason, 'stopped');
    assert.deepEqual(
      result.summary.map((row) => [row.sensor, row.taken, row.analyzed]),
      [
        ['cpu', 2, 2],
        ['memory', 2, 2],
        ['temperature', 2, 2],
      ],
    );
  });

  it("takes the timeout path: get on an empty queue times out, is counted (the seed's queue.Empty) and the consumer goes on", async () => {
    const clock = new ManualClock();
    const log: string[] = [];
    let timedOut!: () => void;
    const firstTimeout = new Promise<void>((resolve) => (timedOut = resolve));
    const running = runMonitor(seedProfile({ pool: 'threads', analyzeMs: 0, count: 2, getTimeoutMs: 30 }), {
      sensors: [loggingSensor('cpu', clock, log)],
      clock,
      onGetTimeout: () => timedOut(),
    });
    // The clock stands still: after the first reading nothing comes, so the get must time out.
    await firstTimeout;
    assert.deepEqual(log, ['0 cpu #1']);
    await advanceTo(clock, 3000);
    const result = await running;
    assert.ok(result.getTimeouts >= 1, `get timed out ${result.getTimeouts} times`);
    assert.equal(result.endedBy, 'markers');
    assert.deepEqual(log, ['0 cpu #1', '1500 cpu #2']);
    assert.equal(result.summary[0].analyzed, 2);
  });

  it('concurrent analysis keeps several analyses in flight and reports in queue order; the seed keeps exactly one', async () => {
    const readings: RawReading[] = ['cpu', 'memory', 'temperature'].flatMap((sensor) =>
      [1, 2].map((seq) => ({ sensor, unit: '%', simulated: true, value: seq * 40, takenAt: 0, seq })),
    );
    const options = { analyzeMs: 100, workers: 2, pool: 'threads' as const };
    const sequential = await measureAnalysis('sequential', readings, options);
    const concurrent = await measureAnalysis('concurrent', readings, options);
    assert.equal(sequential.maxInFlight, 1);
    assert.equal(concurrent.maxInFlight, 2);
    const queueOrder = readings.map((reading) => `${reading.sensor} #${reading.seq}`);
    assert.deepEqual(sequential.order, queueOrder);
    assert.deepEqual(concurrent.order, queueOrder);
  });

  it('the monitor itself, with --analysis concurrent: readings taken at once are analyzed two at a time', async () => {
    const clock = new ManualClock();
    const analyzed: string[] = [];
    const running = runMonitor(seedProfile({ pool: 'threads', analyzeMs: 100, count: 1, analysis: 'concurrent' }), {
      sensors: seedSensors(clock, []),
      clock,
      onReading: (reading) => void analyzed.push(reading.sensor),
    });
    await advanceTo(clock, 2500);
    const result = await running;
    assert.equal(result.maxInFlight, 2);
    assert.deepEqual(analyzed, ['cpu', 'memory', 'temperature'], 'reported in queue order');
  });
});
