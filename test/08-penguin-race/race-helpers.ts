/** Shared by the penguin-race tests: small races that finish fast, and the invariant check as an assertion. */
import assert from 'node:assert/strict';
import { checkRaceInvariants } from '../../src/08-penguin-race/invariants.js';
import type { ClockKind, RaceOptions, RuntimeName } from '../../src/08-penguin-race/options.js';
import { runRace, startRace } from '../../src/08-penguin-race/race.js';
import { raceData, type RaceResult } from '../../src/08-penguin-race/results.js';
import type { RaceSnapshot } from '../../src/08-penguin-race/snapshot.js';

/** 4 penguins, 2 flies, a short track; on the real clock no delays (fast), on the virtual clock the default ones. */
export function smallRace(runtime: RuntimeName, seed: number, clock: ClockKind, extra: RaceOptions = {}): RaceOptions {
  const zero = clock === 'real' ? { latencyMs: 0, thinkMs: 0, flyIntervalMs: 0 } : {};
  return { runtime, clock, seed, penguins: 4, flies: 2, length: 12, trace: true, ...zero, ...extra };
}

export function assertRaceKeptTheRules(result: RaceResult): void {
  const problems = checkRaceInvariants(result);
  assert.deepEqual(problems, [], `seed ${result.rules.seed} on ${result.runtime}/${result.clock}:\n${problems.slice(0, 10).join('\n')}`);
}

/** An onFrame callback that resolves `progress` once the server has answered `requests` requests. */
export function progressWatcher(requests: number): { onFrame: (snapshot: RaceSnapshot) => void; progress: Promise<void> } {
  let reached!: () => void;
  const progress = new Promise<void>((resolve) => (reached = resolve));
  return { onFrame: (snapshot) => snapshot.requests >= requests && reached(), progress };
}

/**
 * The tests every remote runtime (threads, processes, net) must pass; each
 * runtime's test file calls this, then adds its own.
 */
export function remoteRuntimeTests(runtime: RuntimeName, seeds: number): void {
  it(`keeps every rule over ${seeds} seeds on the real clock (no delays) and one with delays`, async () => {
    for (let seed = 0; seed < seeds; seed++) {
      const result = await runRace(smallRace(runtime, seed, 'real'));
      assert.equal(result.ended, 'finished');
      assert.equal(result.runtime, runtime);
      assert.ok(
        result.actors.every((actor) => actor.reported),
        'every actor said bye with its counts',
      );
      assertRaceKeptTheRules(result);
    }
    const delayed = await runRace(smallRace(runtime, 99, 'real', { latencyMs: [1, 4], thinkMs: [0, 3], flyIntervalMs: [1, 5] }));
    assertRaceKeptTheRules(delayed);
  });

  it('on the virtual clock, replays the seed exactly, and exactly as the async runtime does', async () => {
    const here = await runRace(smallRace(runtime, 21, 'virtual'));
    const again = await runRace(smallRace(runtime, 21, 'virtual'));
    const local = await runRace(smallRace('async', 21, 'virtual'));
    assertRaceKeptTheRules(here);
    const comparable = (result: RaceResult) => ({
      ...raceData(result),
      runtime: 'any',
      messages: { ...result.messages, received: 0, sent: 0 },
    });
    assert.deepEqual(comparable(again), comparable(here), 'two runs, the same race');
    assert.deepEqual(comparable(local), comparable(here), 'the same race as on the event loop');
  });

  it('stop() mid-race ends every actor and gives the partial standings', async () => {
    const watcher = progressWatcher(20);
    const race = startRace({ ...smallRace(runtime, 7, 'real', { length: 100_000 }), onFrame: watcher.onFrame, frameMs: 10 });
    const info = await race.ready;
    assert.equal(info.actors.length, 6);
    await watcher.progress;
    race.stop();
    const result = await race.result;
    assert.equal(result.ended, 'interrupted');
    assert.equal(result.standings.length, 4);
    assert.ok(result.standings.some((s) => s.position > 0));
    assertRaceKeptTheRules(result);
  });

  it('stop() while the actors are still starting ends them all too', async () => {
    const race = startRace(smallRace(runtime, 8, 'real'));
    race.stop(); // the workers, children or clients are being started right now
    const result = await race.result;
    assert.equal(result.ended, 'interrupted');
    await assert.rejects(race.ready, /the race was stopped before it started/);
  });
}

/** Kills penguin 0's child process mid-race: the server notices, retires it, and the others finish. */
export async function raceSurvivesAKilledActor(runtime: 'processes' | 'net'): Promise<RaceResult> {
  const watcher = progressWatcher(15);
  const race = startRace({
    ...smallRace(runtime, 8, 'real', { length: 60, thinkMs: [1, 3], flyIntervalMs: [1, 3] }),
    onFrame: watcher.onFrame,
    frameMs: 5,
  });
  const info = await race.ready;
  await watcher.progress;
  const victim = info.actors.find((actor) => actor.role === 'penguin' && actor.id === 0)!;
  process.kill(victim.pid!, 'SIGKILL');
  const result = await race.result;
  assert.equal(result.ended, 'finished');
  assert.match(result.penguins[0].retired ?? '', /killed by SIGKILL|connection closed/);
  assert.equal(result.penguins[0].place, undefined);
  assert.equal(result.ranking.length, 3, 'the other three finished');
  assert.equal(result.actors[0].reported, false);
  assertRaceKeptTheRules(result);
  return result;
}
