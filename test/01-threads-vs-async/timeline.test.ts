import assert from 'node:assert/strict';
import { Thread } from '../../src/01-threads-vs-async/thread.js';
import { currentLane, Timeline, timelineChart, traceSpan, type Span } from '../../src/01-threads-vs-async/timeline.js';
import { sleep } from '../../src/01-threads-vs-async/async-tools.js';
import { renderChartPng } from '../../src/notebook/charts.js';

describe('Timeline', () => {
  it('tells sequential from concurrent work by overlap', async () => {
    const sequential = new Timeline();
    for (const name of ['a', 'b', 'c']) await sequential.trace(name, () => sleep(15));
    const concurrent = new Timeline();
    await Promise.all(['a', 'b', 'c'].map((name) => concurrent.trace(name, () => sleep(30))));
    assert.equal(sequential.maxOverlap, 1);
    assert.equal(concurrent.maxOverlap, 3);
    assert.deepEqual(sequential.lanes, ['main']);
    assert.ok(sequential.durationMs >= 44);
  });

  it('lines up spans recorded on worker threads with the main thread (parallel lanes)', async () => {
    const timeline = new Timeline();
    // Each span starts when its worker reaches a start gate and ends after both have reached it, so the
    // two spans overlap in real time however late a busy machine starts either worker: the check is
    // that times taken on two threads line up on the main thread's clock.
    const work = async (gate: Int32Array, ms: number) => {
      const { traceSpan: trace } = await import('course-kit');
      const { span } = await trace('spin', () => {
        Atomics.add(gate, 0, 1);
        while (Atomics.load(gate, 0) < 2); // wait for the other worker
        const end = performance.now() + ms;
        while (performance.now() < end);
      });
      return span;
    };
    const gate = new Int32Array(new SharedArrayBuffer(4));
    const threads = [new Thread({ target: work, args: [gate, 50] }), new Thread({ target: work, args: [gate, 50] })];
    for (const thread of threads) thread.start();
    const spans = (await Promise.all(threads.map((thread) => thread.join(10_000)))) as Span[];
    timeline.add(...spans);
    assert.equal(timeline.lanes.length, 2);
    assert.ok(
      timeline.lanes.every((lane) => /^thread \d+$/.test(lane)),
      timeline.lanes.join(', '),
    );
    assert.equal(timeline.maxOverlap, 2, 'two workers spinning at the same time');
  });

  it('records a failed work and rethrows', async () => {
    const timeline = new Timeline();
    await assert.rejects(
      timeline.trace('fetch', async () => {
        throw new Error('404');
      }),
      /404/,
    );
    assert.equal(timeline.spans[0].label, 'fetch (failed)');
  });

  it('draws a Gantt chart with one row per lane', async () => {
    const { span } = await traceSpan('x', () => sleep(5), { lane: 'worker A', group: 'io' });
    const config = timelineChart([span, { lane: 'worker B', label: 'y', start: span.start, end: span.end + 10 }], 'demo');
    assert.deepEqual(config.data.labels as string[], ['worker A', 'worker B']);
    assert.equal(config.data.datasets.length, 2);
    const png = renderChartPng(config);
    assert.deepEqual([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join(''), 'PNG');
  });

  it('rejects a malformed span, naming what was expected', () => {
    assert.throws(
      () => new Timeline().add({ lane: 'a', label: 'b', start: 10, end: 5 }),
      /span must be \{ lane: string, label: string, start: number, end: number >= start \}/,
    );
    assert.throws(() => timelineChart('nope' as unknown as Span[]), /spans must be an array/);
  });

  it('names the main lane', () => {
    assert.equal(currentLane(), 'main');
  });
});
