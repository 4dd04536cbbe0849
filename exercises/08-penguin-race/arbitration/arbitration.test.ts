/**
 * Tests of the race server's arbitration under concurrent async requests.
 *
 * The main check is a replay: every reply carries the `seq` at which its
 * operation took effect. Sorting the replies by `seq` and running the same
 * operations one at a time on the kit's rules (the race server's own) must give
 * the very same replies. If two operations overlapped at an await (a lost step,
 * a move that undid a knockdown, a penguin finishing twice), the replay disagrees.
 */
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { withTimeout } from 'course-kit/01-threads-vs-async/async-tools';
import { mulberry32 } from 'course-kit/engine/mulberry32';
import { rules } from 'course-kit/08-penguin-race';
import { RaceArbiter, type FlyReply, type MoveReply } from './arbitration.js';

/** A simulated network delay of 0..3 event-loop turns, from a seeded generator; counts its calls. */
function networkDelay(seed: number) {
  const next = mulberry32(seed);
  const counter = { calls: 0 };
  const delay = async (): Promise<void> => {
    counter.calls++;
    const turns = Math.floor(next() * 4);
    for (let i = 0; i < turns; i++) await nextTurn();
  };
  return { delay, counter };
}

type Reply = MoveReply | FlyReply;
const isFly = (reply: Reply): reply is FlyReply => 'fly' in reply;

/** The kit's rules, one operation at a time: what every reply should have been, in seq order. */
function replay(length: number, penguins: readonly string[], replies: Reply[]): void {
  const sorted = [...replies].sort((a, b) => a.seq - b.seq);
  assert.deepEqual(
    sorted.map((reply) => reply.seq),
    sorted.map((_, i) => i + 1),
    'seq numbers must be 1, 2, 3... with no gap or repeat',
  );
  const track = rules.newTrack(length, penguins.length);
  for (const reply of sorted) {
    let expected: Reply;
    if (isFly(reply)) {
      const knocked = rules.knockDownAt(track, reply.position).map((id) => penguins[id]);
      expected = { seq: reply.seq, fly: reply.fly, position: reply.position, knocked };
    } else {
      const id = penguins.indexOf(reply.penguin);
      const outcome = id < 0 ? undefined : rules.requestMove(track, { penguin: id, step: 1 });
      const { seq, penguin } = reply;
      if (!outcome) expected = { granted: false, seq, penguin, reason: 'unknown penguin' };
      else if (!outcome.granted) expected = { granted: false, seq, penguin, reason: 'finished' };
      else expected = { granted: true, seq, penguin, position: outcome.to, ...(outcome.place && { place: outcome.place }) };
    }
    assert.deepEqual(reply, expected, `reply #${reply.seq} does not follow from the replies before it`);
  }
}

/**
 * Runs a whole race: each penguin keeps sending bursts of 1..3 concurrent move
 * requests until it is told it has finished; flies report random squares
 * meanwhile. Returns every reply.
 */
async function race(arbiter: RaceArbiter, penguins: readonly string[], flies: number, seed: number): Promise<Reply[]> {
  const next = mulberry32(seed);
  const replies: Reply[] = [];
  let over = false;
  const penguin = async (name: string): Promise<void> => {
    for (let round = 0; round < 500; round++) {
      const burst = 1 + Math.floor(next() * 3);
      const answers = await Promise.all(Array.from({ length: burst }, () => arbiter.requestMove(name)));
      replies.push(...answers);
      if (answers.some((answer) => !answer.granted)) return;
    }
    throw new Error(`${name} never finished (500 rounds)`);
  };
  const fly = async (name: string): Promise<void> => {
    for (let report = 0; report < 60 && !over; report++) {
      replies.push(await arbiter.reportFly(name, 1 + Math.floor(next() * (arbiter.length - 1))));
      await nextTurn();
    }
  };
  const flying = Array.from({ length: flies }, (_, i) => fly(`fly-${i}`));
  await Promise.all(penguins.map(penguin));
  over = true;
  await Promise.all(flying);
  return replies;
}

describe('arbitration', () => {
  it('one penguin: one step per granted move, a place when it finishes, then "finished"; unknown penguins are refused [1 pts]', async () => {
    const { delay, counter } = networkDelay(1);
    const arbiter = new RaceArbiter({ length: 3, penguins: ['pingu', 'pinga'], delay });
    assert.deepEqual(await arbiter.requestMove('pingu'), { granted: true, seq: 1, penguin: 'pingu', position: 1 });
    assert.deepEqual(await arbiter.requestMove('pingu'), { granted: true, seq: 2, penguin: 'pingu', position: 2 });
    assert.deepEqual(await arbiter.requestMove('pingu'), { granted: true, seq: 3, penguin: 'pingu', position: 3, place: 1 });
    assert.deepEqual(await arbiter.requestMove('pingu'), { granted: false, seq: 4, penguin: 'pingu', reason: 'finished' });
    assert.deepEqual(await arbiter.requestMove('robby'), { granted: false, seq: 5, penguin: 'robby', reason: 'unknown penguin' });
    assert.deepEqual(arbiter.standings(), {
      positions: { pingu: 3, pinga: 0 },
      finishOrder: ['pingu'],
      knockdowns: { pingu: 0, pinga: 0 },
    });
    assert.equal(counter.calls, 5, 'every operation goes through the simulated network delay once');
  });

  it('ten concurrent moves of one penguin: no step lost, none counted twice [2 pts]', async () => {
    const { delay } = networkDelay(2);
    const arbiter = new RaceArbiter({ length: 20, penguins: ['pingu'], delay });
    const replies = await withTimeout(Promise.all(Array.from({ length: 10 }, () => arbiter.requestMove('pingu'))), 2000, {
      label: 'the moves',
    });
    const positions = replies.map((reply) => (reply.granted ? reply.position : -1)).sort((a, b) => a - b);
    assert.deepEqual(positions, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.equal(arbiter.standings().positions.pingu, 10);
    replay(20, ['pingu'], replies);
  });

  it('the finish order records each penguin exactly once, and the places in the replies agree with it [2 pts]', async () => {
    const penguins = ['a', 'b', 'c', 'd'];
    const { delay } = networkDelay(3);
    const arbiter = new RaceArbiter({ length: 5, penguins, delay });
    const replies = await withTimeout(race(arbiter, penguins, 0, 33), 3000, { label: 'the race' });
    const { finishOrder } = arbiter.standings();
    assert.deepEqual([...finishOrder].sort(), penguins, 'every penguin once in the finish order');
    const placed = replies.filter(
      (reply): reply is MoveReply & { granted: true } => !isFly(reply) && reply.granted && reply.place !== undefined,
    );
    assert.deepEqual(
      placed.sort((x, y) => (x.place ?? 0) - (y.place ?? 0)).map((reply) => reply.penguin),
      finishOrder,
      'one reply with a place per penguin, matching the finish order',
    );
    assert.equal(arbiter.finished, true);
  });

  it('a fly knocks the penguins on its square back to 0, also while their moves are being decided [2 pts]', async () => {
    const { delay } = networkDelay(4);
    const penguins = ['a', 'b', 'c'];
    const arbiter = new RaceArbiter({ length: 10, penguins, delay });
    const replies: Reply[] = [];
    for (let step = 0; step < 3; step++) for (const penguin of ['a', 'b']) replies.push(await arbiter.requestMove(penguin));
    // a and b are on 3. Now moves and a fly on square 3 race each other.
    replies.push(
      ...(await withTimeout(
        Promise.all([arbiter.requestMove('a'), arbiter.reportFly('f', 3), arbiter.requestMove('b'), arbiter.requestMove('c')]),
        2000,
        { label: 'the operations' },
      )),
    );
    replay(10, penguins, replies);
    const fly = replies.find(isFly) as FlyReply;
    const { knockdowns, positions } = arbiter.standings();
    for (const penguin of fly.knocked) assert.equal(knockdowns[penguin], 1);
    assert.ok(Object.values(positions).every((position) => position >= 0 && position <= 10));
  });

  it('a whole race with flies: every reply agrees with a one-at-a-time replay in seq order [3 pts]', async () => {
    const penguins = ['pingu', 'pinga', 'robby', 'schubert'];
    const { delay } = networkDelay(5);
    const arbiter = new RaceArbiter({ length: 8, penguins, delay });
    const replies = await withTimeout(race(arbiter, penguins, 3, 55), 5000, { label: 'the race' });
    replay(8, penguins, replies);
    const { knockdowns, finishOrder } = arbiter.standings();
    const knocked = replies.filter(isFly).flatMap((reply) => reply.knocked);
    assert.ok(knocked.length > 0, 'this seed has knockdowns');
    for (const penguin of penguins) assert.equal(knockdowns[penguin], knocked.filter((name) => name === penguin).length);
    assert.equal(finishOrder.length, penguins.length);
  });

});
