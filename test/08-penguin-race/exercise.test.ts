/**
 * Exercise 08 (arbitration) and the race's server apply the same rules: the
 * exercise imports the kit's rules module instead of keeping a copy of its own,
 * and its solution answers as those rules do, with the seed's knockdown (any
 * penguin on the fly's square, not only the one it hunts).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as rules from '../../src/08-penguin-race/rules.js';
import { kitRoot } from '../../src/paths.js';
import { RaceArbiter } from '../../solutions/08-penguin-race/arbitration/arbitration.js';

const source = (folder: string) => readFileSync(join(kitRoot, folder, '08-penguin-race/arbitration/arbitration.ts'), 'utf8');

describe('08 penguin race: exercise 08 uses the race rules', () => {
  it('the solution and the starter import the rules from the library and keep no positions of their own', () => {
    for (const folder of ['solutions', 'exercises']) {
      const text = source(folder);
      assert.match(text, /^import \{ rules \} from 'course-kit\/08-penguin-race';$/m, folder);
      assert.match(text, /rules\.newTrack\(/, folder);
      assert.doesNotMatch(text, /#positions|#knockdowns|#finishOrder/, `${folder} keeps its own copy of the state`);
    }
    const solution = source('solutions');
    assert.match(solution, /rules\.requestMove\(this\.#track/);
    assert.match(solution, /rules\.knockDownAt\(this\.#track/);
  });

  it("the solution's replies follow the rules module step by step, and the library exports that module", async () => {
    const { rules: exported } = await import('course-kit/08-penguin-race');
    assert.deepEqual(Object.keys(exported).sort(), Object.keys(rules).sort(), 'the package entry exports the rules module');
    const names = ['a', 'b', 'c'];
    const arbiter = new RaceArbiter({ length: 4, penguins: names });
    const track = rules.newTrack(4, names.length);
    const script: Array<[string, string | number]> = [
      ['move', 'a'],
      ['move', 'b'],
      ['move', 'c'],
      ['move', 'c'],
      ['fly', 1],
      ['move', 'a'],
      ['move', 'a'],
      ['move', 'a'],
      ['move', 'a'],
    ];
    for (const [kind, what] of script) {
      if (kind === 'fly') {
        const reply = await arbiter.reportFly('f', what as number);
        assert.deepEqual(
          reply.knocked,
          rules.knockDownAt(track, what as number).map((id) => names[id]),
        );
      } else {
        const reply = await arbiter.requestMove(what as string);
        const outcome = rules.requestMove(track, { penguin: names.indexOf(what as string), step: 1 });
        assert.equal(reply.granted, outcome.granted);
        if (reply.granted && outcome.granted) assert.deepEqual([reply.position, reply.place], [outcome.to, outcome.place]);
      }
    }
    assert.deepEqual(arbiter.standings().knockdowns, { a: 1, b: 1, c: 0 }, 'the fly on square 1 hit a and b, both not hunted');
    assert.deepEqual(arbiter.standings().finishOrder, ['a']);
  });
});

describe('08 penguin race: the rules module on its own', () => {
  it("a fly's cell knocks every racing penguin there (ids in order), not the start, not a finished one", () => {
    const track = rules.newTrack(5, 4, 1);
    for (const penguin of [3, 1, 2]) rules.requestMove(track, { penguin, step: 2 });
    const landed = rules.reportFly(track, { fly: 0, position: 2, target: 0 });
    assert.deepEqual(landed, { moved: true, from: undefined, to: 2, target: 0, knocked: [1, 2, 3] });
    assert.deepEqual(rules.knockDownAt(track, 0), [], 'nobody is knocked back to where they are');
    // Penguin 0 lands on the fly: knocked back by it.
    assert.deepEqual(rules.requestMove(track, { penguin: 0, step: 2 }), { granted: true, from: 0, to: 2, knockedBy: 0 });
    assert.deepEqual(
      track.penguins.map((p) => p.knockdowns),
      [1, 1, 1, 1],
    );
    for (let i = 0; i < 2; i++) rules.requestMove(track, { penguin: 1, step: 3 });
    assert.equal(track.penguins[1].place, 1);
    assert.deepEqual(rules.knockDownAt(track, 4), [], 'the line is not a cell of the race');
    assert.deepEqual(rules.requestMove(track, { penguin: 1, step: 1 }), { granted: false, reason: 'finished' });
  });

  it('the extra rules apply only when named: denyRate refuses busy, refuseStale refuses stale, flySpeed bounds a jump', () => {
    const track = rules.newTrack(10, 1, 1);
    const always = { chance: () => true };
    assert.deepEqual(rules.requestMove(track, { penguin: 0, step: 1 }, {}, always), { granted: true, from: 0, to: 1 });
    assert.deepEqual(rules.requestMove(track, { penguin: 0, step: 1 }, { denyRate: 0.5 }, always), { granted: false, reason: 'busy' });
    assert.deepEqual(rules.requestMove(track, { penguin: 0, step: 1, from: 7 }), { granted: true, from: 1, to: 2 });
    assert.deepEqual(rules.requestMove(track, { penguin: 0, step: 1, from: 7 }, { refuseStale: true }), {
      granted: false,
      reason: 'stale',
    });
    rules.reportFly(track, { fly: 0, position: 5 });
    assert.deepEqual(rules.reportFly(track, { fly: 0, position: 9 }, { flySpeed: 2 }), { moved: false, reason: 'jump' });
    assert.equal(rules.reportFly(track, { fly: 0, position: 9 }).moved, true);
    assert.deepEqual(rules.flyCells(10), [0, 10]);
    assert.deepEqual(rules.flyCells(10, { homingFlies: true }), [1, 9]);
  });
});
