import assert from 'node:assert/strict';
import { renderChartPng } from '../../src/notebook/charts.js';
import { compareRuntimes } from '../../src/08-penguin-race/compare.js';
import { runRace } from '../../src/08-penguin-race/race.js';
import { formatResults } from '../../src/08-penguin-race/results-table.js';
import type { RaceSnapshot } from '../../src/08-penguin-race/snapshot.js';
import { ordinal, renderTrackSvg, renderTrackText } from '../../src/08-penguin-race/track-view.js';

const snapshot: RaceSnapshot = {
  time: 1500,
  length: 10,
  over: false,
  penguins: [
    { id: 0, position: 4, knockdowns: 2, retired: false },
    { id: 1, position: 10, place: 1, knockdowns: 0, retired: false },
    { id: 2, position: 0, knockdowns: 0, retired: true },
  ],
  flies: [
    { id: 0, position: 7, target: 0 },
    { id: 1, target: 2 },
  ],
  finishOrder: [1],
  knockdowns: 2,
  requests: 40,
  messages: { received: 41, sent: 40 },
};

describe('08 penguin race: drawing and comparing', function () {
  this.timeout(20_000);

  it("draws the track as text: lanes, flies on their target's lane, places, a status line", () => {
    const lines = renderTrackText(snapshot, { width: 40 }).split('\n');
    assert.equal(lines.length, 4);
    assert.equal(lines[0], 'P0 |....P..*...| kd2');
    assert.equal(lines[1], 'P1 |..........P|1st');
    assert.equal(lines[2], 'P2 |x..........|out');
    assert.equal(lines[3], 't 1.50 s | finished 1/3 | retired 1 | knockdowns 2 | requests 40 | messages in/out 41/40');
    const many = renderTrackText(
      { ...snapshot, penguins: Array.from({ length: 50 }, (_, id) => ({ id, position: 0, knockdowns: 0, retired: false })) },
      { maxPenguins: 5 },
    );
    assert.match(many, /\.\.\. and 45 more penguins \(0 of them finished\)/);
    assert.match(renderTrackText(snapshot, { color: true }), /\x1b\[1;31m\*\x1b\[0m/);
    assert.deepEqual([1, 2, 3, 4, 11, 12, 13, 21, 22, 101].map(ordinal), [
      '1st',
      '2nd',
      '3rd',
      '4th',
      '11th',
      '12th',
      '13th',
      '21st',
      '22nd',
      '101st',
    ]);
  });

  it('draws the track as SVG for a notebook', () => {
    const svg = renderTrackSvg(snapshot);
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.equal((svg.match(/<circle/g) ?? []).length, 4, '3 penguins and the one fly that has a position');
    assert.match(svg, /1st/);
    assert.match(svg, /<\/svg>$/);
  });

  it('formats the results table with the standings', async () => {
    const result = await runRace({ penguins: 3, flies: 1, length: 10, seed: 1, clock: 'virtual' });
    const text = formatResults(result);
    assert.match(text, /^Penguin race \(async runtime, virtual clock, seed 1\): finished in/);
    assert.equal(text.split('\n').filter((line) => /^\d +P\d/.test(line)).length, 3);
    assert.match(text, /messages: received \d+, sent \d+/);
  });

  it('compareRuntimes gives figures per runtime and charts that render', async () => {
    const comparison = await compareRuntimes({ runtimes: ['async', 'threads'], penguins: 3, flies: 1, length: 30 });
    assert.deepEqual(
      comparison.rows.map((row) => row.runtime),
      ['async', 'threads'],
    );
    for (const row of comparison.rows) {
      assert.equal(row.ended, 'finished');
      assert.ok(row.requests > 0 && row.requestsPerSecond > 0 && row.messagesPerSecond > 0);
      assert.ok(row.roundTrip.count > 0 && row.roundTrip.p99Ms >= row.roundTrip.p50Ms);
      assert.equal(
        row.roundTrip.histogram.counts.reduce((a, b) => a + b, 0),
        row.roundTrip.count,
      );
    }
    for (const chart of Object.values(comparison.charts)) {
      const png = renderChartPng(chart as Parameters<typeof renderChartPng>[0], { width: 400, height: 300, scale: 1 });
      assert.equal(png.subarray(1, 4).toString(), 'PNG');
    }
    await assert.rejects(compareRuntimes({ runtimes: ['fibers' as 'async'] }), /runtimes must list some of async, threads, processes, net/);
  });
});
