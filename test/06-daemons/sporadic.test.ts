import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { sleep } from '../../src/01-threads-vs-async/async-tools.js';
import { sporadic } from '../../src/06-daemons/sporadic.js';

describe('sporadic daemon', () => {
  it('handles every event in order, one at a time, none lost while it is busy', async () => {
    const bus = new EventEmitter();
    const log: number[] = [];
    let inFlight = 0;
    let most = 0;
    const logger = sporadic<number>(
      async (n) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await sleep(5);
        log.push(n);
        inFlight -= 1;
      },
      { on: [bus, 'warning'] },
    );
    for (let n = 1; n <= 20; n++) bus.emit('warning', n);
    await sleep(200);
    await logger.stop();
    assert.deepEqual(
      log,
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    assert.equal(most, 1);
    assert.equal(bus.listenerCount('warning'), 0, 'stop removes its listener');
  });

  it('fires when a condition becomes true, not while it stays true', async () => {
    let temperature = 20;
    let alarms = 0;
    const alarm = sporadic(() => void (alarms += 1), { when: () => temperature > 70, pollMs: 5 });
    await sleep(30);
    temperature = 80;
    await sleep(40);
    temperature = 20;
    await sleep(30);
    temperature = 90;
    await sleep(40);
    await alarm.stop();
    assert.equal(alarms, 2);
  });

  it('works with an EventTarget too', async () => {
    const target = new EventTarget();
    const seen: string[] = [];
    const daemon = sporadic<Event>((event) => void seen.push(event.type), { on: [target, 'ping'] });
    target.dispatchEvent(new Event('ping'));
    await sleep(10);
    await daemon.stop();
    assert.deepEqual(seen, ['ping']);
  });

  it('drops the oldest beyond maxPending and counts them', async () => {
    const bus = new EventEmitter();
    const seen: number[] = [];
    const daemon = sporadic<number>(
      async (n) => {
        await sleep(20);
        seen.push(n);
      },
      { on: [bus, 'x'], maxPending: 2 },
    );
    for (let n = 1; n <= 6; n++) bus.emit('x', n);
    await sleep(120);
    await daemon.stop();
    // All six arrive before the daemon's loop resumes: the four oldest are dropped.
    assert.equal(daemon.dropped, 4);
    assert.deepEqual(seen, [5, 6]);
  });

  it('needs exactly one trigger', () => {
    assert.throws(() => sporadic(() => {}, {} as never), /needs exactly one trigger/);
    assert.throws(() => sporadic(() => {}, { on: [{} as EventTarget, 'x'] }), /on\[0\] must be an EventEmitter or an EventTarget/);
  });
});
