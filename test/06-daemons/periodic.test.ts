/**
 * The periodic daemon on a clock the test moves by hand (manual-clock.ts): the
 * runs are counted and their times compared exactly, with no real waiting.
 */
import assert from 'node:assert/strict';
import { periodic } from '../../src/06-daemons/periodic.js';
import { ManualClock, settle } from './manual-clock.js';

describe('periodic daemon', function () {
  this.timeout(5000);

  it('runs every interval until stopped, first run after one interval (or at once with immediate)', async () => {
    const clock = new ManualClock();
    const times: number[] = [];
    const eagerTimes: number[] = [];
    const daemon = periodic(() => void times.push(clock.now()), { intervalMs: 30, clock });
    const eager = periodic(() => void eagerTimes.push(clock.now()), { intervalMs: 30, immediate: true, clock });
    try {
      await settle();
      assert.deepEqual(times, [], 'no run before the first interval');
      assert.deepEqual(eagerTimes, [0], 'immediate: one run at once');
      await clock.advance(29);
      assert.deepEqual(times, []);
      await clock.advance(1);
      assert.deepEqual(times, [30]);
      await clock.advance(140);
      assert.deepEqual(times, [30, 60, 90, 120, 150]);
      assert.deepEqual(eagerTimes, [0, 30, 60, 90, 120, 150]);
      assert.equal(daemon.runs, 5);
      assert.equal(eager.runs, 6);
    } finally {
      await Promise.all([daemon.stop(), eager.stop()]);
    }
    assert.equal(daemon.running, false);
    assert.equal(clock.pending, 0, 'stop() cancels the timer of the next tick');
    await clock.advance(300);
    assert.deepEqual(times, [30, 60, 90, 120, 150], 'no run after stop');
    assert.equal(daemon.skipped, 0);
  });

  it('keeps to its schedule: time spent in the work does not make it drift', async () => {
    const clock = new ManualClock();
    const starts: number[] = [];
    const daemon = periodic(
      async () => {
        starts.push(clock.now());
        await clock.sleep(7);
      },
      { intervalMs: 30, clock },
    );
    try {
      await clock.advance(100);
    } finally {
      await daemon.stop();
    }
    assert.deepEqual(starts, [30, 60, 90], 'start + k·interval, not (interval + 7 ms) apart');
    assert.equal(daemon.skipped, 0);
  });

  it('never overlaps its runs and skips the ticks a slow run missed', async () => {
    const clock = new ManualClock();
    const starts: number[] = [];
    let inFlight = 0;
    let most = 0;
    const daemon = periodic(
      async () => {
        starts.push(clock.now());
        inFlight += 1;
        most = Math.max(most, inFlight);
        await clock.sleep(55);
        inFlight -= 1;
      },
      { intervalMs: 20, clock },
    );
    try {
      await clock.advance(250);
    } finally {
      const stopped = daemon.stop();
      await clock.advance(5); // the run that began at 200 ends at 255
      await stopped;
    }
    // A run from 20 to 75 misses the ticks at 40 and 60; the next one starts at 80, and so on.
    assert.deepEqual(starts, [20, 80, 140, 200]);
    assert.equal(most, 1, 'two runs at once');
    assert.equal(daemon.skipped, 8, 'two ticks missed by each of the four runs');
    assert.equal(daemon.runs, 4);
  });

  it('stop() waits for the run in progress to finish', async () => {
    const clock = new ManualClock();
    const events: string[] = [];
    const daemon = periodic(
      async () => {
        events.push(`run starts at ${clock.now()}`);
        await clock.sleep(80);
        events.push(`run ends at ${clock.now()}`);
      },
      { intervalMs: 10, immediate: true, clock },
    );
    await settle();
    const stopped = daemon.stop().then(() => void events.push(`stopped at ${clock.now()}`));
    await clock.advance(79);
    assert.deepEqual(events, ['run starts at 0'], 'stop() resolved before the run ended');
    assert.equal(daemon.running, true);
    await clock.advance(1);
    await stopped;
    assert.deepEqual(events, ['run starts at 0', 'run ends at 80', 'stopped at 80']);
    assert.equal(daemon.running, false);
    assert.equal(daemon.runs, 1);
  });

  it('stops when its signal aborts; an aborted signal allows no run at all', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    let runs = 0;
    const daemon = periodic(() => void (runs += 1), { intervalMs: 10, signal: controller.signal, clock });
    await clock.advance(25);
    assert.equal(runs, 2);
    controller.abort();
    await daemon.done;
    await clock.advance(100);
    assert.equal(runs, 2);
    assert.equal(daemon.running, false);
    assert.equal(daemon.error, undefined);
    const already = periodic(() => void (runs += 1), { intervalMs: 10, signal: AbortSignal.abort(), immediate: true, clock });
    await already.done;
    assert.equal(runs, 2, 'an aborted signal: not even the immediate run');
  });

  it('a throwing run stops it with the error kept, unless onError keeps it going', async () => {
    const clock = new ManualClock();
    const failing = periodic(
      () => {
        throw new Error('disk full');
      },
      { intervalMs: 10, immediate: true, clock },
    );
    await failing.done;
    assert.match(String(failing.error), /disk full/);
    assert.equal(failing.runs, 0);
    const errors: unknown[] = [];
    let calls = 0;
    const resilient = periodic(
      () => {
        calls += 1;
        if (calls === 1) throw new Error('once');
      },
      { intervalMs: 10, immediate: true, clock, onError: (error) => void errors.push(error) },
    );
    try {
      await clock.advance(20);
    } finally {
      await resilient.stop();
    }
    assert.equal(calls, 3, 'runs at 0 (throws), 10 and 20');
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /once/);
    assert.equal(resilient.runs, 2);
    assert.equal(resilient.error, undefined);
  });

  it('names the parameter on bad input', () => {
    assert.throws(() => periodic(() => {}, { intervalMs: 0 }), /^RangeError: intervalMs must be a number of milliseconds > 0/);
    assert.throws(() => periodic(() => {}, { intervalMs: -5 }), /intervalMs must be/);
    assert.throws(() => periodic('tick' as unknown as () => void, { intervalMs: 5 }), /work must be a function/);
    assert.throws(() => periodic(() => {}, { intervalMs: 5, signal: {} as AbortSignal }), /signal must be an AbortSignal/);
    assert.throws(
      () => periodic(() => {}, { intervalMs: 5, clock: {} as never }),
      /clock must have now\(\), setTimeout\(\) and clearTimeout\(\)/,
    );
  });
});
