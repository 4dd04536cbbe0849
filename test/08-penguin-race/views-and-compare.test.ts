import assert from 'node:assert/strict';
import { renderChartPng } from '../../src/notebook/charts.js';
import { compareRuntimes, type RuntimeComparison, type RuntimeFigures } from '../../src/08-penguin-race/compare.js';
import type { RuntimeName } from '../../src/08-penguin-race/options.js';
import { summarizeComparison } from '../../src/08-penguin-race/summary.js';
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
  recentKnockdowns: [
    { t: 200, penguin: 0, fly: 0, at: 2 },
    { t: 1400, penguin: 0, fly: 0, at: 7 },
  ],
  requests: 40,
  messages: { received: 41, sent: 40 },
};

/**
 * Enough of a terminal `columns` wide to replay what TerminalView writes: printable text that wraps
 * at the last column, \n and \r, ESC[nF (up n rows, to column 0) and ESC[J (clear to the end);
 * colors and showing or hiding the cursor change nothing on screen. Returns the rows.
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

  it('draws the track as text: a row of flies, their cells across every lane, recent knockdowns, places, a legend, a status line', () => {
    const lines = renderTrackText(snapshot, { width: 40 }).split('\n');
    assert.equal(lines.length, 9);
    assert.equal(lines[0], 'fly |       F   |');
    // Knocked off cell 7 0.1 s ago (marked), off cell 2 1.3 s ago (no longer).
    assert.equal(lines[1], 'P0  |....P..X...| kd2');
    assert.equal(lines[2], 'P1  |.......:..P|1st');
    assert.equal(lines[3], 'P2  |x......:...|out');
    assert.deepEqual(lines.slice(4, 6), ['P penguin | F fly, : its cell', 'X knocked down (last 1 s)']);
    // The status wraps at " | " to stay within 40 columns.
    assert.deepEqual(lines.slice(6), ['t 1.50 s | finished 1/3 | retired 1', 'knockdowns 2 | requests 40', 'messages in/out 41/40']);
    for (const line of lines) assert.ok(line.length <= 40, line);
    assert.equal(renderTrackText(snapshot, { width: 200 }).split('\n').at(-1), statusLine(snapshot));
    const many = renderTrackText(
      { ...snapshot, penguins: Array.from({ length: 50 }, (_, id) => ({ id, position: 0, knockdowns: 0, retired: false })) },
      { maxPenguins: 5 },
    );
    assert.match(many, /\.\.\. and 45 more penguins \(0 of them finished\)/);
    assert.match(renderTrackText(snapshot, { color: true }), /\x1b\[1;31mF\x1b\[0m/);
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
    assert.equal((svg.match(/<title>penguin \d+ at/g) ?? []).length, 3, 'a penguin per lane');
    assert.equal((svg.match(/<title>fly \d+ at/g) ?? []).length, 1, 'the one fly that has a position');
    assert.deepEqual(
      [...svg.matchAll(/<title>(penguin \d+ knocked down at \d+)<\/title>/g)].map((match) => match[1]),
      ['penguin 0 knocked down at 7'],
      'the knockdown of the last second is marked, the older one is not',
    );
    assert.match(svg, /fly: hits any penguin on its line/);
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

  it("summarizeComparison says what the figures say: notebook 08's closing summary, from the library", () => {
    const row = (runtime: RuntimeName, startupMs: number, memoryMb: number, messagesPerSecond: number, p50Ms: number) =>
      ({ runtime, startupMs, memoryMb, messagesPerSecond, roundTrip: { p50Ms, p99Ms: p50Ms * 4 } }) as RuntimeFigures;
    const comparison = {
      options: { penguins: 8, flies: 2 },
      rows: [
        row('async', 0.4, 0.2, 90_000, 0.01),
        row('threads', 300, 40, 30_000, 0.2),
        row('processes', 900, 400, 9_000, 0.5),
        row('net', 950, 410, 8_000, 0.6),
      ],
    } as unknown as RuntimeComparison;
    const text = summarizeComparison(comparison, { transportPercent: 2.5 });
    const lines = text.split('\n');
    assert.match(lines[0], /^Start-up: 10 worker threads took 300 ms \(30 ms per worker on average\); 10 async tasks, 0\.40 ms\.$/);
    assert.match(text, /Memory: the threads added 40 MB \(4\.0 MB per thread.*too little to show/);
    assert.match(text, /Throughput: async handled 3\.0x the messages per second of threads \(90000 vs 30000\)/);
    assert.match(text, /40\.0 MB and 90 ms of start-up per actor for processes/);
    assert.match(text, /threads' messages were 2\.5% of a move's round trip/);
    assert.match(lines.at(-1)!, /^Verdict: for this race, async is ahead on all four figures/);
    const mixed = { ...comparison, rows: [row('async', 0.4, 0.2, 10_000, 0.3), row('threads', 300, 40, 30_000, 0.2)] };
    const verdict = summarizeComparison(mixed as unknown as RuntimeComparison);
    assert.match(verdict, /threads came out ahead in this run/);
    assert.match(verdict, /Verdict: async ahead on 2 of the four figures/);
    assert.doesNotMatch(verdict, /Processes and TCP clients|simulated network/);
    assert.throws(() => summarizeComparison({ ...comparison, rows: comparison.rows.slice(0, 1) }), /run compareRuntimes with both/);
  });
});
