/**
 * One job, one color: the I/O jobs' timeline in notebook 01 and on slide 01
 * color each job the same way (issue 14), from one map, `IO_JOB_COLORS`.
 */
import assert from 'node:assert/strict';
import type { ChartConfiguration } from 'chart.js';
import { IO_JOB_COLORS, compareIoModes } from '../../src/01-threads-vs-async/io-demo.js';
import { Timeline, timelineChart, type Span } from '../../src/01-threads-vs-async/timeline.js';
import { ioJobsTimeline } from '../../src/course/slide-charts.js';

/** Legend entry → bar color, as chart.js will draw them. */
function colorsOf(config: ChartConfiguration): Record<string, string> {
  return Object.fromEntries(config.data.datasets.map((dataset) => [dataset.label, dataset.backgroundColor as string]));
}

const span = (group: string, start: number): Span => ({ lane: 'main', label: group, start, end: start + 10, group });

describe('timeline colors', () => {
  it('gives the groups a color map names their color, whatever order they come in', () => {
    const colors = { late: '#111111', early: '#222222' };
    const forward = timelineChart([span('early', 0), span('late', 10)], 't', { colors });
    const backward = timelineChart([span('late', 0), span('early', 10)], 't', { colors });
    assert.deepEqual(colorsOf(forward), colors);
    assert.deepEqual(colorsOf(backward), colors);
  });

  it('gives the other groups palette colors the map did not take, each a different one', () => {
    const first = colorsOf(timelineChart([span('a', 0), span('b', 1)], 't'));
    const taken = first.a;
    const chart = colorsOf(timelineChart([span('x', 0), span('y', 1), span('z', 2)], 't', { colors: { z: taken } }));
    assert.equal(chart.z, taken);
    assert.notEqual(chart.x, taken);
    assert.notEqual(chart.y, taken);
    assert.notEqual(chart.x, chart.y);
  });

  it('keeps the colors a Timeline was made with', () => {
    const timeline = new Timeline({ colors: { io: '#123456' } }).add(span('io', 0), span('compute', 5));
    assert.equal(colorsOf(timeline.chart()).io, '#123456');
  });

  it('refuses a color map that is not one', () => {
    assert.throws(
      () => timelineChart([], 't', { colors: { a: 3 } as unknown as Record<string, string> }),
      /options\.colors must map group names to CSS colors/,
    );
    assert.throws(() => new Timeline({ colors: 'red' as unknown as Record<string, string> }), /options\.colors must map group names/);
  });

  it("colors the seed's I/O jobs the same in notebook 01's chart and slide 01's", async () => {
    const notebook = colorsOf((await compareIoModes({ scale: 40 })).timeline.chart('notebook'));
    const slide = colorsOf(await ioJobsTimeline());
    assert.deepEqual(notebook, IO_JOB_COLORS);
    assert.deepEqual(slide, IO_JOB_COLORS);
    assert.equal(new Set(Object.values(IO_JOB_COLORS)).size, 4, 'four jobs, four colors');
  });
});
