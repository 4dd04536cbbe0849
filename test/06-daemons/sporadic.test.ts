/**
 * The sporadic daemon. Work that "takes time" waits on a clock the test moves
 * by hand (manual-clock.ts), and so does the condition's polling: the runs are
 * counted and ordered exactly, with no real waiting.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { sporadic } from '../../src/06-daemons/sporadic.js';
import { ManualClock, settle } from './manual-clock.js';

describe('sporadic daemon', function () {
  this.timeout(5000);

  it('handles every event in order, one at a time, none lost while it is busy', async () => {
    const clock = new ManualClock();
    const bus = new EventEmitter();
    const log: string[] = [];
    let inFlight = 0;
    let most = 0;
    const logger = sporadic<number>(
      async (n) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await clock.sleep(5);
        log.push(`${n} at ${clock.now()}`);
        inFlight -= 1;
      },
      { on: [bus, 'warning'] },
    );
    try {
      for (let n = 1; n <= 20; n++) bus.emit('warning', n);
      await settle();
      assert.equal(logger.pending, 19, 'one event in the work, 19 waiting');
      await clock.advance(5);
      assert.deepEqual(log, ['1 at 5']);
      await clock.advance(95);
    } finally {
      await logger.stop();
    }
    assert.deepEqual(
      log,
      Array.from({ length: 20 }, (_, i) => `${i + 1} at ${5 * (i + 1)}`),
    );
    assert.equal(most, 1, 'two runs at once');
    assert.equal(logger.runs, 20);
    assert.equal(logger.dropped, 0);
    assert.equal(bus.listenerCount('warning'), 0, 'stop removes its listener');
    bus.emit('warning', 21);
    await clock.advance(10);
    assert.equal(log.length, 20, 'no run after stop');
  });

  it('fires when a condition becomes true, not while it stays true', async () => {
    const clock = new ManualClock();
    let temperature = 20;
    const alarms: number[] = [];
    const alarm = sporadic(() => void alarms.push(clock.now()), { when: () => temperature > 70, pollMs: 5, clock });
    try {
      await clock.advance(30);
      temperature = 80; // seen by the poll at 35
      await clock.advance(40);
      temperature = 20; // seen at 75
      await clock.advance(30);
      temperature = 90; // seen at 105
      await clock.advance(40);
    } finally {
      await alarm.stop();
    }
    assert.deepEqual(alarms, [35, 105]);
    assert.equal(alarm.runs, 2);
    assert.equal(clock.pending, 0, 'stop() cancels the next poll');
  });

  it('works with an EventTarget too', async () => {
    const target = new EventTarget();
    const seen: string[] = [];
    const daemon = sporadic<Event>((event) => void seen.push(event.type), { on: [target, 'ping'] });
    try {
      target.dispatchEvent(new Event('ping'));
      await settle();
    } finally {
      await daemon.stop();
    }
    assert.deepEqual(seen, ['ping']);
    assert.equal(daemon.runs, 1);
  });

  it('drops the oldest beyond maxPending and counts them', async () => {
    const clock = new ManualClock();
    const bus = new EventEmitter();
    const seen: number[] = [];
    const daemon = sporadic<number>(
      async (n) => {
        await clock.sleep(20);
        seen.push(n);
      },
      { on: [bus, 'x'], maxPending: 2 },
    );
    try {
      // All six arrive before the daemon's loop resumes: the four oldest are dropped.
      for (let n = 1; n <= 6; n++) bus.emit('x', n);
      assert.equal(daemon.dropped, 4);
      assert.equal(daemon.pending, 2);
      await settle();
      assert.equal(daemon.pending, 1, '5 in the work, 6 waiting');
      bus.emit('x', 7);
      bus.emit('x', 8);
      assert.equal(daemon.dropped, 5, 'waiting were 6, 7 and 8: 6 is dropped');
      await clock.advance(100);
    } finally {
      await daemon.stop();
    }
    assert.deepEqual(seen, [5, 7, 8]);
  });

  it('needs exactly one trigger; a bad trigger starts nothing', () => {
    assert.throws(() => sporadic(() => {}, {} as never), /needs exactly one trigger/);
    assert.throws(() => sporadic(() => {}, { on: [{} as EventTarget, 'x'] }), /on\[0\] must be an EventEmitter or an EventTarget/);
    assert.throws(() => sporadic(() => {}, { on: [new EventEmitter(), 5 as unknown as string] }), /on\[1\] must be an event name/);
    // keepAlive would hold the program open: a daemon that failed to start must not.
    assert.throws(() => sporadic(() => {}, { on: [{} as EventTarget, 'x'], keepAlive: true }), /on\[0\]/);
  });
});
