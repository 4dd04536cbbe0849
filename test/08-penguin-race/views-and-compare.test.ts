import assert from 'node:assert/strict';
import { renderChartPng } from '../../src/notebook/charts.js';
import { compareRuntimes } from '../../src/08-penguin-race/compare.js';
import { runRace } from '../../src/08-penguin-race/race.js';
import { formatResults } from '../../src/08-penguin-race/results-table.js';
import type { RaceSnapshot } from '../../src/08-penguin-race/snapshot.js';
import { ordinal, renderTrackSvg, renderTrackText, statusLine } from '../../src/08-penguin-race/track-view.js';
import { rowsOnScreen, TerminalView } from '../../src/08-penguin-race/terminal-view.js';

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

/**
 * Enough of a terminal `columns` wide to replay what TerminalView writes: printable text that wraps
 * at the last column, \n and \r, ESC[nF (up n rows, to column 0) and ESC[J (clear to the end);
 * colours and showing or hiding the cursor change nothing on screen. Returns the rows.
 */
function replayTerminal(output: string, columns: number): string[] {
  const screen: string[] = [''];
  let row = 0;
  let column = 0;
  for (let i = 0; i < output.length; i++) {
    const character = output[i];
    if (character === '\x1b') {
      const [escape, count, command] = /^\x1b\[\??([\d;]*)([A-Za-z])/.exec(output.slice(i))!;
      i += escape.length - 1;
      if (command === 'F') [row, column] = [Math.max(0, row - Number(count || 1)), 0];
      if (command === 'J') [screen[row], screen.length] = [screen[row].slice(0, column), row + 1];
    } else if (character === '\r') column = 0;
    else if (character === '\n') [row, column] = [row + 1, 0];
    else {
      if (column === columns) [row, column] = [row + 1, 0];
      screen[row] = (screen[row] ?? '').padEnd(column).slice(0, column) + character + (screen[row] ?? '').slice(column + 1);
      column += 1;
    }
    screen[row] ??= '';
  }
  return screen;
}

describe('08 penguin race: drawing and comparing', function () {
  this.timeout(20_000);

  it('the live terminal view leaves no stale row behind: track 120 fits 80 and 30 columns, and rows that wrap (12) are counted', () => {
    for (const columns of [80, 30, 12]) {
      let written = '';
      const terminal = { columns, rows: 30, write: (text: string) => ((written += text), true) } as unknown as NodeJS.WriteStream;
      const view = new TerminalView(terminal, { minIntervalMs: 0, label: 'processes, real clock' });
      const frames = Array.from({ length: 40 }, (_, frame) => ({
        ...snapshot,
        length: 120,
        time: frame * 1234,
        requests: frame * 98_765,
        penguins: snapshot.penguins.map((penguin) => ({ ...penguin, position: (penguin.position * 12 + frame) % 121, knockdowns: frame })),
      }));
      for (const frame of frames) view.draw(frame);
      view.finish();
      const screen = replayTerminal(written, columns);
      const last = renderTrackText(frames.at(-1)!, { width: columns, color: true, label: 'processes, real clock', maxPenguins: 24 });
      assert.equal(screen.filter((line) => line.startsWith('P0 ')).length, 1, `one frame on screen:\n${screen.join('\n')}`);
      assert.equal(screen.length, rowsOnScreen(last, columns) + 1, 'the last frame and the line after it');
      if (columns === 80)
        assert.ok(
          last
            .replace(/\x1b\[[0-9;]*m/g, '')
            .split('\n')
            .every((line) => line.length <= 80),
          last,
        );
    }
  });

  it("draws the track as text: lanes, flies on their target's lane, places, a status line", () => {
    const lines = renderTrackText(snapshot, { width: 40 }).split('\n');
    assert.equal(lines.length, 6);
    assert.equal(lines[0], 'P0 |....P..*...| kd2');
    assert.equal(lines[1], 'P1 |..........P|1st');
    assert.equal(lines[2], 'P2 |x..........|out');
    // The status wraps at " | " to stay within 40 columns.
    assert.deepEqual(lines.slice(3), ['t 1.50 s | finished 1/3 | retired 1', 'knockdowns 2 | requests 40', 'messages in/out 41/40']);
    assert.equal(renderTrackText(snapshot, { width: 200 }).split('\n').at(-1), statusLine(snapshot));
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
    // Every label fits inside the picture (12 px text: about 7.5 px a character), at 720 and at 360 px.
    const crowded = { ...snapshot, penguins: snapshot.penguins.map((penguin) => ({ ...penguin, place: 15, knockdowns: 11 })) };
    for (const width of [720, 360]) {
      const texts = [...renderTrackSvg(crowded, { width }).matchAll(/<text x="([\d.]+)"[^>]*>([^<]*)<\/text>/g)];
      assert.ok(texts.some(([, , text]) => text === '15th (11 kd)'));
      for (const [, x, text] of texts) assert.ok(Number(x) + text.length * 7.5 <= width, `"${text}" at x ${x} runs past ${width} px`);
    }
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
