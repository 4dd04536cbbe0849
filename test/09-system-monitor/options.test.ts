import assert from 'node:assert/strict';
import { UsageError } from '../../src/engine/command-line.js';
import { parseMonitorArguments, thresholdFor } from '../../src/09-system-monitor/options.js';

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

  const bad: [string[], RegExp][] = [
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
    [['--colour', 'red'], /^unknown option --colour; usage: npm run monitor -- /],
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
