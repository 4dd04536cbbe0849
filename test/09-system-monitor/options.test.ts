import assert from 'node:assert/strict';
import { UsageError } from '../../src/engine/command-line.js';
import { intervalFor, parseMonitorArguments, thresholdFor } from '../../src/09-system-monitor/options.js';

describe('monitor options', () => {
  it('defaults follow the seed: threshold 70, two analyzer processes', () => {
    const options = parseMonitorArguments([]);
    assert.equal(options.threshold, 70);
    assert.equal(options.workers, 2);
    assert.equal(options.pool, 'processes');
    assert.equal(options.intervalMs, 1000);
  });

  it('reads durations, counts, per-sensor thresholds and sensors', () => {
    const options = parseMonitorArguments([
      '--interval',
      '250ms',
      '--duration',
      '1.5m',
      '--count',
      '5',
      '--threshold',
      '60,cpu=80',
      '--sensors',
      'cpu,lag',
      '--json',
    ]);
    assert.equal(options.intervalMs, 250);
    assert.equal(options.durationMs, 90_000);
    assert.equal(options.count, 5);
    assert.equal(thresholdFor(options, 'cpu'), 80);
    assert.equal(thresholdFor(options, 'lag'), 60);
    assert.deepEqual(options.sensors, ['cpu', 'lag']);
    assert.equal(options.json, true);
  });

  it('reads --name=value, and every --threshold given', () => {
    const options = parseMonitorArguments(['--interval=2s', '--threshold', '60', '--threshold', 'cpu=80', '--pool=threads']);
    assert.equal(options.intervalMs, 2000);
    assert.equal(thresholdFor(options, 'cpu'), 80);
    assert.equal(thresholdFor(options, 'lag'), 60);
    assert.equal(options.pool, 'threads');
  });

  it("--seed-profile: the seed's sensors, intervals, 5 readings, end markers, get(timeout=1) and 0.5 s analyses", () => {
    const options = parseMonitorArguments(['--seed-profile']);
    assert.deepEqual(options.sensors, ['cpu', 'memory', 'temperature']);
    assert.deepEqual(
      options.sensors.map((sensor) => intervalFor(options, sensor)),
      [1500, 2000, 1800],
    );
    assert.equal(options.count, 5);
    assert.equal(options.sentinels, true);
    assert.equal(options.getTimeoutMs, 1000);
    assert.equal(options.analyzeMs, 500);
    assert.equal(options.analysis, 'sequential');
    assert.equal(options.workers, 2);
    const shorter = parseMonitorArguments(['--seed-profile', '--count', '2', '--analysis', 'concurrent']);
    assert.equal(shorter.count, 2);
    assert.equal(shorter.analysis, 'concurrent');
    const plain = parseMonitorArguments([]);
    assert.deepEqual([plain.sentinels, plain.getTimeoutMs, plain.analyzeMs, plain.intervals], [false, undefined, 0, {}]);
  });

  const bad: [string[], RegExp][] = [
    [['--seed-profile', '--interval', '1s'], /^--seed-profile cannot be used with --interval: it runs the seed's sensors/],
    [['--seed-profile', '--sensors', 'cpu'], /^--seed-profile cannot be used with --sensors/],
    [['--seed-profile', '--duration', '5s'], /^--seed-profile cannot be used with --duration/],
    [['--seed-profile=yes'], /^--seed-profile takes no value, got "yes"$/],
    [['--analysis', 'parallel'], /^--analysis must be sequential or concurrent, got "parallel"$/],
    [['--sensors', 'cpu,gpu'], /^--sensors: unknown sensor "gpu" \(known: cpu, cores, memory, temperature, load, lag, simulated\)$/],
    [['--interval', '0'], /^--interval must be more than 0, got "0"$/],
    [['--interval', '-2s'], /^--interval must be more than 0, got "-2s"$/],
    [['--threshold', '101'], /^--threshold must be a number from 0 to 100, got "101"$/],
    [['--threshold', 'cpu=-1'], /^--threshold for cpu must be a number from 0 to 100, got "-1"$/],
    [['--duration', 'soon'], /^--duration must be a duration like 500ms, 1.5s or 2m, got "soon"$/],
    [['--count', '2.5'], /^--count must be a whole number above 0, got "2.5"$/],
    [['--workers'], /^--workers needs a value$/],
    [['--pool', 'fibers'], /^--pool must be processes or threads, got "fibers"$/],
    [['--json=yes'], /^--json takes no value, got "yes"$/],
    [['--color', 'red'], /^unknown option --color; usage: npm run monitor -- /],
    [['cpu'], /^unexpected argument "cpu"; usage: npm run monitor -- /],
  ];
  for (const [argv, message] of bad) {
    it(`refuses ${argv.join(' ')} with one clear line`, () => {
      assert.throws(
        () => parseMonitorArguments(argv),
        (error: Error) => error instanceof UsageError && message.test(error.message) && !error.message.includes('\n'),
      );
    });
  }
});
