import assert from 'node:assert/strict';
import { raceData } from '../../src/08-penguin-race/results.js';
import { runRace, startRace } from '../../src/08-penguin-race/race.js';
import type { RaceSnapshot } from '../../src/08-penguin-race/snapshot.js';
import { assertRaceKeptTheRules, progressWatcher, smallRace } from './race-helpers.js';

describe('08 penguin race: the async runtime', function () {
  this.timeout(20_000);

  it('keeps every rule over 150 seeds on the virtual clock and 40 on the real clock', async () => {
    for (let seed = 0; seed < 150; seed++) {
      const result = await runRace(smallRace('async', seed, 'virtual'));
      assert.equal(result.ended, 'finished');
      assertRaceKeptTheRules(result);
    }
    let knockdowns = 0;
    for (let seed = 0; seed < 40; seed++) {
      const result = await runRace(smallRace('async', seed, 'real'));
      assert.equal(result.ended, 'finished');
      assertRaceKeptTheRules(result);
      knockdowns += result.knockdowns;
    }
    assert.ok(knockdowns > 0, 'flies did knock penguins down somewhere');
  });

  it('replays a seed step for step on the virtual clock; another seed gives another race', async () => {
    const first = await runRace(smallRace('async', 11, 'virtual'));
    const second = await runRace(smallRace('async', 11, 'virtual'));
    assert.deepEqual(raceData(second), raceData(first));
    assert.ok(first.trace!.length > 20);
    const other = await runRace(smallRace('async', 12, 'virtual'));
    assert.notDeepEqual(other.trace, first.trace);
  });

  it('reports ranking, knockdowns per penguin, messages and latency per request', async () => {
    const result = await runRace({ seed: 3, penguins: 5, flies: 3, length: 30, clock: 'virtual' });
    assert.equal(result.ranking.length, 5);
    assert.deepEqual(
      result.ranking.map((r) => r.place),
      [1, 2, 3, 4, 5],
    );
    assert.deepEqual(
      result.standings.map((s) => s.penguin),
      result.ranking.map((r) => r.penguin),
    );
    assert.equal(
      result.penguins.reduce((sum, p) => sum + p.knockdowns, 0),
      result.knockdowns,
    );
    assert.equal(result.messages.received, result.messages.sent);
    assert.ok(result.latency.count > 0 && result.latency.count <= result.messages.requests);
    assert.ok(result.latency.minMs >= 5 && result.latency.maxMs <= 20, 'the simulated delay is 5-20 ms of virtual time');
    assert.equal(result.trace, undefined, 'no trace unless asked');
  });

  it('gives onFrame snapshots in time order, the last one at the end', async () => {
    const frames: RaceSnapshot[] = [];
    const result = await runRace({ ...smallRace('async', 2, 'virtual'), frameMs: 50, onFrame: (s) => frames.push(s) });
    assert.ok(frames.length > 5);
    for (let i = 1; i < frames.length; i++) assert.ok(frames[i].time >= frames[i - 1].time);
    const last = frames[frames.length - 1];
    assert.equal(last.over, true);
    assert.deepEqual(
      last.finishOrder,
      result.ranking.map((r) => r.penguin),
    );
    for (const frame of frames) for (const p of frame.penguins) assert.ok(p.position >= 0 && p.position <= 12);
  });

  it('stop() interrupts: partial standings, every actor answered, nothing left running', async () => {
    const watcher = progressWatcher(30);
    const race = startRace({
      ...smallRace('async', 4, 'real', { length: 100_000, thinkMs: [0, 2] }),
      onFrame: watcher.onFrame,
      frameMs: 10,
    });
    await watcher.progress;
    race.stop();
    const result = await race.result;
    assert.equal(result.ended, 'interrupted');
    assert.equal(result.ranking.length, 0);
    assert.equal(result.standings.length, 4);
    assert.ok(result.standings[0].position >= result.standings[3].position);
    assertRaceKeptTheRules(result);
  });

  it('an AbortSignal stops it too, and the time bound ends it as "time-bound"', async () => {
    const controller = new AbortController();
    const race = startRace({ ...smallRace('async', 5, 'real', { length: 100_000 }), signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    assert.equal((await race.result).ended, 'interrupted');
    const bounded = await runRace({ ...smallRace('async', 5, 'virtual', { length: 100_000 }), timeLimitMs: 2000 });
    assert.equal(bounded.ended, 'time-bound');
    assert.ok(bounded.timeMs >= 2000 && bounded.timeMs < 2100);
    assertRaceKeptTheRules(bounded);
  });

  it('an onFrame that throws ends the race with that error', async () => {
    await assert.rejects(
      runRace({
        ...smallRace('async', 6, 'virtual'),
        onFrame: () => {
          throw new Error('drawing failed');
        },
      }),
      /drawing failed/,
    );
  });

  // The seed's fly hits every penguin on its cell: with 500 penguins on 20 cells a crowd shares each
  // cell, so two flies already knock thousands back (20 would keep the whole field at the start).
  it('runs 500 penguins and 2 flies to the end on the virtual clock', async () => {
    const result = await runRace({ penguins: 500, flies: 2, length: 20, seed: 9, clock: 'virtual', trace: true });
    assert.equal(result.ended, 'finished');
    assert.equal(result.ranking.length, 500);
    assertRaceKeptTheRules(result);
  });
});
