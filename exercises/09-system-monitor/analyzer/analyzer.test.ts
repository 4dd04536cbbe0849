/**
 * Tests of the monitor's analyzer: the seed's classification, and the shutdown
 * promise "every reading a sensor got into the queue is analyzed exactly once,
 * and nothing is left running". Sensors here are async tasks sending made-up
 * readings into a small bounded channel.
 */
import assert from 'node:assert/strict';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { withTimeout } from 'course-kit/01-threads-vs-async/async-tools';
import { Channel } from 'course-kit/02-event-loop-and-channels/channel';
import { Analyzer, classify, type Analyzed, type Reading } from './analyzer.js';

/**
 * A sensor task: sends readings (values cycling 0..99) until its send is refused
 * because the channel was closed. Returns the readings that were accepted.
 */
async function sensor(channel: Channel<Reading>, name: string, pauseEvery: number): Promise<Reading[]> {
  const accepted: Reading[] = [];
  for (let seq = 1; seq <= 20_000; seq++) {
    const reading = { sensor: name, value: (seq * 37) % 100, seq };
    try {
      await channel.send(reading);
    } catch {
      return accepted; // closed: this reading was never accepted
    }
    accepted.push(reading);
    if (seq % pauseEvery === 0) await sleep(1);
  }
  return accepted;
}

const key = (reading: Reading): string => `${reading.sensor}#${reading.seq}`;

describe('analyzer', () => {
  it("classify: ALERT when the value is at or above the threshold, NORMAL below (the seed's >= 70) [1 pts]", () => {
    const reading = (value: number): Reading => ({ sensor: 'cpu', value, seq: 1 });
    assert.equal(classify(reading(70), 70), 'ALERT');
    assert.equal(classify(reading(99.5), 70), 'ALERT');
    assert.equal(classify(reading(69.99), 70), 'NORMAL');
    assert.equal(classify(reading(0), 70), 'NORMAL');
    assert.equal(classify(reading(40), 40), 'ALERT');
  });

  it("each reading is judged against its own sensor's threshold (default 70) [1 pts]", async () => {
    const channel = new Channel<Reading>(10);
    const results: Analyzed[] = [];
    const analyzer = new Analyzer(channel, { thresholds: { temperature: 50 }, onResult: (result) => results.push(result) });
    analyzer.start();
    await channel.send({ sensor: 'temperature', value: 55, seq: 1 });
    await channel.send({ sensor: 'cpu', value: 55, seq: 1 });
    await channel.send({ sensor: 'cpu', value: 70, seq: 2 });
    const summary = await withTimeout(analyzer.stop(), 2000, { label: 'stop()' });
    const byKey = new Map(results.map((result) => [key(result), result]));
    assert.deepEqual(
      ['temperature#1', 'cpu#1', 'cpu#2'].map((k) => [byKey.get(k)?.status, byKey.get(k)?.threshold]),
      [
        ['ALERT', 50],
        ['NORMAL', 70],
        ['ALERT', 70],
      ],
    );
    assert.deepEqual(summary, { analyzed: 3, alerts: 2, errors: 0, bySensor: { temperature: 1, cpu: 2 } });
  });

  it('stopped in the middle of the stream: every reading a sensor got in is analyzed exactly once [3 pts]', async () => {
    const channel = new Channel<Reading>(4);
    const results: Analyzed[] = [];
    const analyzer = new Analyzer(channel, {
      concurrency: 3,
      analyze: async (reading, threshold) => {
        await sleep(reading.seq % 3); // analyses take different times
        return classify(reading, threshold);
      },
      onResult: (result) => results.push(result),
    });
    analyzer.start();
    const sensors = [sensor(channel, 'cpu', 3), sensor(channel, 'memory', 5), sensor(channel, 'temperature', 2)];
    let summary;
    let accepted: Reading[];
    try {
      // Mid-stream: once a dozen readings are analyzed (a fixed pause would be too short on a busy machine).
      const firstReadings = async () => {
        while (results.length < 12) await sleep(1);
      };
      await withTimeout(firstReadings(), 3000, { label: 'the first readings' });
      summary = await withTimeout(analyzer.stop(), 3000, { label: 'stop()' });
      accepted = (await withTimeout(Promise.all(sensors), 1000, { label: 'the sensors' })).flat();
    } finally {
      if (!channel.closed) channel.close(); // whatever happened, the sensors stop
    }
    assert.ok(accepted.length > 10, 'the sensors should have sent readings before stop()');
    const analyzedKeys = results.map(key);
    assert.equal(new Set(analyzedKeys).size, analyzedKeys.length, 'a reading was analyzed twice');
    assert.deepEqual([...analyzedKeys].sort(), accepted.map(key).sort(), 'accepted readings were lost (or unknown ones appeared)');
    assert.equal(summary.analyzed, accepted.length);
    assert.equal(summary.alerts, results.filter((result) => result.status === 'ALERT').length);
  });

  it('stop() drains what is queued before it resolves, and leaves nothing running [2 pts]', async () => {
    await nextTurn(); // mocha starts this test's own timeout timer once the test function has returned its promise
    const timersBefore = process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const channel = new Channel<Reading>(20);
    for (let seq = 1; seq <= 20; seq++) await channel.send({ sensor: 'cpu', value: seq * 5, seq });
    const results: Analyzed[] = [];
    let running = 0;
    const analyzer = new Analyzer(channel, {
      concurrency: 2,
      analyze: async (reading, threshold) => {
        running++;
        try {
          await sleep(2);
          return classify(reading, threshold);
        } finally {
          running--;
        }
      },
      onResult: (result) => results.push(result),
    });
    analyzer.start();
    await nextTurn();
    const summary = await withTimeout(analyzer.stop(), 3000, { label: 'stop()' });
    assert.equal(results.length, 20, 'stop() resolved before every queued reading was analyzed');
    assert.equal(running, 0, 'an analysis was still running when stop() resolved');
    assert.deepEqual(summary, { analyzed: 20, alerts: 7, errors: 0, bySensor: { cpu: 20 } });
    assert.equal(analyzer.running, false);
    await assert.rejects(channel.send({ sensor: 'cpu', value: 1, seq: 21 }), 'the channel must be closed after stop()');
    const timersAfter = process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    assert.ok(timersAfter <= timersBefore, 'a timer is still running after stop()');
  });

  it('a failing analysis gives status ERROR with its message, counts it, and the analyzer goes on [1 pts]', async () => {
    const channel = new Channel<Reading>(10);
    const results: Analyzed[] = [];
    const analyzer = new Analyzer(channel, {
      analyze: (reading, threshold) => {
        if (reading.seq === 2) throw new Error('sensor glitch');
        return classify(reading, threshold);
      },
      onResult: (result) => results.push(result),
    });
    analyzer.start();
    for (let seq = 1; seq <= 4; seq++) await channel.send({ sensor: 'memory', value: 80, seq });
    const summary = await withTimeout(analyzer.stop(), 2000, { label: 'stop()' });
    const failed = results.find((result) => result.seq === 2);
    assert.equal(failed?.status, 'ERROR');
    assert.equal(failed?.error, 'sensor glitch');
    assert.deepEqual(summary, { analyzed: 4, alerts: 3, errors: 1, bySensor: { memory: 4 } });
  });

});
