import assert from 'node:assert/strict';
import { runEmptyCheckRace } from '../../src/03-processes-queues-pipes/index.js';

describe("the seed's `while not cola.empty()` consumer (runEmptyCheckRace)", function () {
  this.timeout(60_000);

  it('misses items in every run at default settings, and says how many', async () => {
    for (let run = 0; run < 3; run++) {
      const race = await runEmptyCheckRace();
      assert.equal(race.showed, true, race.verdict);
      assert.equal(race.received.length + race.missed, 5);
      assert.deepEqual(
        race.received,
        ['Dato 1', 'Dato 2', 'Dato 3', 'Dato 4', 'Dato 5'].slice(0, race.received.length),
        'what it took came in order',
      );
      assert.match(race.verdict, new RegExp(`stopped after ${race.received.length} of 5 items`));
    }
  });

  it('names bad options', async () => {
    await assert.rejects(runEmptyCheckRace({ items: 0 }), /items must be a positive integer, got 0/);
    await assert.rejects(runEmptyCheckRace({ produceMs: 1.5 }), /produceMs must be a positive integer, got 1.5/);
  });
});
