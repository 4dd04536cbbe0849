import assert from 'node:assert/strict';
import { runRace } from '../../src/08-penguin-race/race.js';
import { assertRaceKeptTheRules, remoteRuntimeTests } from './race-helpers.js';

describe('08 penguin race: the threads runtime (worker threads over message ports)', function () {
  this.timeout(20_000);

  remoteRuntimeTests('threads', 4);

  it('runs 16 penguins and 4 flies, each on its own worker thread', async () => {
    const result = await runRace({
      runtime: 'threads',
      penguins: 16,
      flies: 4,
      length: 10,
      seed: 2,
      latencyMs: 0,
      thinkMs: 0,
      flyIntervalMs: 0,
      trace: true,
    });
    assert.equal(result.ranking.length, 16);
    assert.equal(result.actors.length, 20);
    assertRaceKeptTheRules(result);
  });
});
