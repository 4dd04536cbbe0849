import assert from 'node:assert/strict';
import { Fly, Penguin } from '../../src/08-penguin-race/actors.js';
import { RealClock } from '../../src/08-penguin-race/clock.js';
import { normalizeRaceOptions, RaceOptionError, type RaceOptions } from '../../src/08-penguin-race/options.js';
import type { FlyReply, MoveReply, RaceReply } from '../../src/08-penguin-race/protocol.js';
import { createRandom, deriveSeed, mulberry32 } from '../../src/08-penguin-race/random.js';
import { checkRaceInvariants } from '../../src/08-penguin-race/invariants.js';
import { runRace } from '../../src/08-penguin-race/race.js';
import { RaceServer } from '../../src/08-penguin-race/server.js';
import { VirtualClock } from '../../src/08-penguin-race/virtual-clock.js';

function rulesWith(options: RaceOptions = {}) {
  return normalizeRaceOptions({ latencyMs: 0, clock: 'virtual', ...options }).rules;
}

/** A server on a virtual clock, and a helper that sends one message and runs the clock until it is answered. */
function serverWith(options: RaceOptions = {}) {
  const clock = new VirtualClock();
  const server = new RaceServer(rulesWith(options), clock, { trace: true });
  const seqs = new Map<string, number>();
  const ask = async (message: Record<string, unknown>): Promise<RaceReply> => {
    const key = `${message.type}:${message.penguin ?? message.fly}`;
    const seq = (message.seq as number | undefined) ?? (seqs.get(key) ?? 0) + 1;
    seqs.set(key, seq);
    const reply = server.handle({ seq, ...message });
    await clock.run();
    return reply;
  };
  return { clock, server, ask };
}

describe('08 penguin race: seeded randomness', () => {
  it('mulberry32 gives the same numbers for the same seed, and others for another seed', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const first = Array.from({ length: 5 }, () => a());
    assert.deepEqual(
      first,
      Array.from({ length: 5 }, () => b()),
    );
    const c = mulberry32(43);
    assert.notDeepEqual(
      first,
      Array.from({ length: 5 }, () => c()),
    );
    for (const x of first) assert.ok(x >= 0 && x < 1);
  });

  it('every actor gets its own stream from the race seed', () => {
    assert.equal(deriveSeed(1, 'penguin', 0), deriveSeed(1, 'penguin', 0));
    assert.notEqual(deriveSeed(1, 'penguin', 0), deriveSeed(1, 'penguin', 1));
    assert.notEqual(deriveSeed(1, 'penguin', 0), deriveSeed(1, 'fly', 0));
    assert.notEqual(deriveSeed(1, 'server'), deriveSeed(2, 'server'));
    const random = createRandom(7);
    for (let i = 0; i < 1000; i++) {
      const value = random.int(1, 3);
      assert.ok(value >= 1 && value <= 3 && Number.isInteger(value));
    }
    assert.equal(random.inRange([5, 5]), 5);
  });
});

describe('08 penguin race: the virtual clock', () => {
  it('wakes sleepers in time order (ties: first asked first), jumping the clock to each time', async () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    const sleeper = async (name: string, ms: number) => {
      await clock.sleep(ms);
      log.push(`${name}@${clock.now()}`);
      await clock.sleep(ms);
      log.push(`${name}@${clock.now()}`);
    };
    void sleeper('a', 30);
    void sleeper('b', 10);
    void sleeper('c', 10);
    const started = performance.now();
    assert.equal(await clock.run(), 'idle');
    assert.deepEqual(log, ['b@10', 'c@10', 'b@20', 'c@20', 'a@30', 'a@60']);
    assert.equal(clock.now(), 60);
    assert.ok(performance.now() - started < 1000, 'virtual time does not really wait');
  });

  it('does not move while a hold is out, and end() wakes everyone', async () => {
    const clock = new VirtualClock();
    const log: number[] = [];
    void clock.sleep(5).then(() => log.push(clock.now()));
    const release = clock.hold();
    const running = clock.run();
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.deepEqual(log, [], 'time stood still during the hold');
    release();
    assert.equal(await running, 'idle');
    assert.deepEqual(log, [5]);

    let woke = false;
    void clock.sleep(1_000_000).then(() => (woke = true));
    clock.end();
    await Promise.resolve();
    assert.equal(woke, true);
    await clock.sleep(99); // resolves at once after end()
  });

  it('a hold that is never released is cut by the wall limit', async () => {
    const clock = new VirtualClock();
    clock.hold();
    assert.equal(await clock.run({ wallLimitMs: 50 }), 'wall-limit');
  });

  it('the real clock ends its timers when it ends', async () => {
    const clock = new RealClock();
    const sleeping = clock.sleep(60_000);
    clock.end();
    await sleeping;
    assert.equal(clock.ended, true);
  });
});

describe('08 penguin race: the server rules', () => {
  it('grants a move, advances the penguin, and records a finish exactly once', async () => {
    const { server, ask } = serverWith({ penguins: 2, flies: 0, length: 4, maxStep: 3 });
    let reply = (await ask({ type: 'move', penguin: 0, from: 0, step: 3 })) as MoveReply;
    assert.deepEqual([reply.granted, reply.position, reply.done], [true, 3, false]);
    reply = (await ask({ type: 'move', penguin: 0, from: 3, step: 3 })) as MoveReply;
    assert.deepEqual([reply.granted, reply.position, reply.place, reply.done], [true, 4, 1, true], 'capped at L, first place');
    reply = (await ask({ type: 'move', penguin: 0, from: 4, step: 1 })) as MoveReply;
    assert.deepEqual([reply.granted, reply.reason, reply.place, reply.done], [false, 'finished', 1, true]);
    assert.deepEqual(server.finishOrder, [0], 'recorded once');
    assert.equal(server.over, false, 'penguin 1 still races');
    await ask({ type: 'move', penguin: 1, from: 0, step: 3 });
    await ask({ type: 'move', penguin: 1, from: 3, step: 1 });
    assert.deepEqual(server.finishOrder, [0, 1]);
    assert.equal(server.ended, 'finished');
    reply = (await ask({ type: 'move', penguin: 1, from: 4, step: 1 })) as MoveReply;
    assert.equal(reply.done, true);
  });

  it('by default (the seed) a move is never refused: one from a cell the penguin has left moves it from where it is', async () => {
    const { server, ask } = serverWith({ penguins: 1, flies: 0, length: 10 });
    await ask({ type: 'move', penguin: 0, from: 0, step: 2 });
    const reply = (await ask({ type: 'move', penguin: 0, from: 5, step: 1 })) as MoveReply;
    assert.deepEqual([reply.granted, reply.reason, reply.position], [true, undefined, 3]);
    assert.equal(server.penguins[0].denied, 0);
  });

  it('refuseStale (an extra rule, off by default) refuses a move from a cell the penguin has left, and says where it is', async () => {
    const { ask } = serverWith({ penguins: 1, flies: 0, length: 10, refuseStale: true });
    await ask({ type: 'move', penguin: 0, from: 0, step: 2 });
    const reply = (await ask({ type: 'move', penguin: 0, from: 5, step: 1 })) as MoveReply;
    assert.deepEqual([reply.granted, reply.reason, reply.position], [false, 'stale', 2]);
  });

  it('a fly landing on a cell knocks back every penguin there, its target or not; a penguin landing on a fly is knocked back too', async () => {
    const { server, ask } = serverWith({ penguins: 3, flies: 1, length: 10, flySpeed: 10 });
    await ask({ type: 'move', penguin: 0, from: 0, step: 3 });
    await ask({ type: 'move', penguin: 1, from: 0, step: 3 });
    await ask({ type: 'move', penguin: 2, from: 0, step: 2 });
    // The fly hunts penguin 2 but lands on 0 and 1.
    let fly = (await ask({ type: 'fly', fly: 0, position: 3, target: 2 })) as FlyReply;
    assert.deepEqual(
      server.penguins.map((p) => [p.position, p.knockdowns]),
      [
        [0, 1],
        [0, 1],
        [2, 0],
      ],
      'penguins 0 and 1, not its target, went back to the start',
    );
    assert.deepEqual([fly.knocked, fly.target], [true, 2]);
    // The fly waits at 5; penguin 2 lands there.
    fly = (await ask({ type: 'fly', fly: 0, position: 5, target: 0 })) as FlyReply;
    assert.equal(fly.knocked, false);
    const landed = (await ask({ type: 'move', penguin: 2, from: 2, step: 3 })) as MoveReply;
    assert.deepEqual([landed.granted, landed.knockedDown, landed.position], [true, true, 0]);
    assert.equal(server.knockdowns, 3);
    assert.equal(server.flies[0].knockdowns, 3);
    assert.deepEqual(
      server.snapshot().recentKnockdowns?.map((k) => [k.penguin, k.fly, k.at]),
      [
        [0, 0, 3],
        [1, 0, 3],
        [2, 0, 5],
      ],
    );
    // A fly on the start knocks nobody back (they are there already).
    await ask({ type: 'fly', fly: 0, position: 0, target: 0 });
    assert.equal(server.knockdowns, 3);
  });

  it('a fly cannot jump further than flySpeed, and a fly whose target is out gets another', async () => {
    const { server, ask } = serverWith({ penguins: 2, flies: 1, length: 10, flySpeed: 1 });
    await ask({ type: 'fly', fly: 0, position: 5, target: 0 });
    const jump = (await ask({ type: 'fly', fly: 0, position: 8, target: 0 })) as FlyReply;
    assert.equal(server.flies[0].position, 5, 'state unchanged');
    assert.equal(jump.done, false);
    for (const [from, step] of [
      [0, 3],
      [3, 3],
      [6, 3],
      [9, 1],
    ])
      await ask({ type: 'move', penguin: 0, from, step });
    assert.equal(server.penguins[0].place, 1);
    const reply = (await ask({ type: 'fly', fly: 0, position: 6, target: 0 })) as FlyReply;
    assert.equal(reply.target, 1, 'the only penguin still racing');
  });

  it('answers malformed messages with an error and leaves the state as it was', async () => {
    const { server, ask } = serverWith({ penguins: 2, flies: 1, length: 10 });
    await ask({ type: 'move', penguin: 0, from: 0, step: 2 });
    const before = JSON.stringify(server.snapshot());
    const bad: unknown[] = [
      null,
      'move',
      [1, 2],
      {},
      { type: 'teleport', seq: 2 },
      { type: 'move', seq: 2, penguin: 9, from: 0, step: 1 },
      { type: 'move', seq: 2, penguin: 0, from: 2, step: 99 },
      { type: 'move', seq: 2, penguin: 0, from: -1, step: 1 },
      { type: 'move', seq: 'x', penguin: 0, from: 2, step: 1 },
      { type: 'move', seq: 5, penguin: 0, from: 2, step: 1 },
      { type: 'move', seq: 1, penguin: 0, from: 2, step: 1 },
      { type: 'fly', seq: 1, fly: 0, position: 11, target: 0 },
      { type: 'fly', seq: 1, fly: 3, position: 4, target: 0 },
      { type: 'fly', seq: 1, fly: 0, position: 4, target: 7 },
      { type: 'move', seq: 2, penguin: 0, from: 2, step: 1.5 },
      { type: 'move', seq: 2, penguin: 0, from: 2, step: 1, wait: -1 },
    ];
    for (const message of bad) {
      const reply = await server.handle(message);
      assert.equal(reply.type, 'error', `expected an error for ${JSON.stringify(message)}`);
      assert.ok((reply as { message: string }).message.length > 5);
    }
    const wrongSender = await server.handle({ type: 'move', seq: 2, penguin: 0, from: 2, step: 1 }, { role: 'penguin', id: 1 });
    assert.match((wrongSender as { message: string }).message, /you are penguin 1, not penguin 0/);
    assert.equal(JSON.stringify(server.snapshot()).replace(/"messages":\{[^}]*\}/, ''), before.replace(/"messages":\{[^}]*\}/, ''));
    const next = (await ask({ type: 'move', penguin: 0, from: 2, step: 1, seq: 2 })) as MoveReply;
    assert.deepEqual([next.granted, next.position], [true, 3], 'the server still works');
    assert.equal(server.messages.errors, bad.length + 1);
  });

  it('allows one request in flight per actor', async () => {
    const { clock, server } = serverWith({ penguins: 1, flies: 0, length: 10, latencyMs: 10 });
    const first = server.handle({ type: 'move', seq: 1, penguin: 0, from: 0, step: 1 });
    const second = await server.handle({ type: 'move', seq: 2, penguin: 0, from: 0, step: 1 });
    assert.match((second as { message: string }).message, /already has a request in flight/);
    await clock.run();
    assert.equal(((await first) as MoveReply).granted, true);
  });

  it('denyRate (an extra rule): many concurrent requests on real time, some refused busy; positions stay in 0..L, each penguin finishes once', async () => {
    const clock = new RealClock();
    const rules = normalizeRaceOptions({ penguins: 30, flies: 0, length: 6, latencyMs: [0, 3], denyRate: 0.3, seed: 5 }).rules;
    const server = new RaceServer(rules, clock, { trace: true });
    try {
      await Promise.all(
        server.penguins.map(async (_, id) => {
          const penguin = new Penguin(id, rules);
          for (let action = penguin.start() as ReturnType<Penguin['start']> | undefined; action;) {
            const reply = await server.handle(action.request);
            for (const p of server.penguins) assert.ok(p.position >= 0 && p.position <= rules.length);
            action = penguin.next(reply);
          }
        }),
      );
    } finally {
      clock.end();
    }
    assert.equal(server.finishOrder.length, 30);
    assert.equal(new Set(server.finishOrder).size, 30, 'each penguin once');
    assert.equal(server.ended, 'finished');
    assert.ok(
      server.penguins.some((p) => p.denied > 0),
      'the server does say no sometimes',
    );
    assert.ok(server.trace?.every((event) => event.type !== 'deny' || event.reason === 'busy'));
  });

  it('with the default rules no move is ever refused busy or stale, over whole races with flies', async () => {
    for (const seed of [1, 2, 3]) {
      const result = await runRace({ penguins: 6, flies: 3, length: 15, seed, clock: 'virtual', trace: true });
      assert.equal(result.ended, 'finished');
      const refused = result.trace?.filter((event) => event.type === 'deny') ?? [];
      assert.deepEqual(refused, [], `seed ${seed}`);
      assert.ok(result.penguins.every((p) => p.denied === 0));
      assert.deepEqual(checkRaceInvariants(result), []);
    }
  });

  it('the race checker catches a refusal the race has no rule for, and a knockdown away from the fly', async () => {
    const result = await runRace({ penguins: 3, flies: 2, length: 12, seed: 4, clock: 'virtual', trace: true });
    const trace = result.trace ?? [];
    const knockdown = trace.findIndex((event) => event.type === 'knockdown');
    assert.ok(knockdown > 0, 'this seed has a knockdown');
    const moved = trace.map((event, index) =>
      index === knockdown && event.type === 'knockdown' ? { ...event, fly: 1 - event.fly } : event,
    );
    const flyElsewhere = checkRaceInvariants({ ...result, trace: moved });
    assert.ok(
      flyElsewhere.some((problem) => /is not there/.test(problem)),
      flyElsewhere.join('\n'),
    );
    const refused = checkRaceInvariants({ ...result, trace: [{ t: 0, type: 'deny', penguin: 0, reason: 'busy' }, ...trace] });
    assert.ok(refused.some((problem) => /a rule this race does not have/.test(problem)));
  });
});

describe('08 penguin race: actors and options', () => {
  it('a penguin believes the server; a homing fly flies toward its target, never onto 0 or L', () => {
    const rules = rulesWith({ penguins: 3, flies: 1, length: 12, flySpeed: 2, retargetRate: 0, homingFlies: true });
    const penguin = new Penguin(0, rules);
    const first = penguin.start();
    assert.equal(first.request.type, 'move');
    const next = penguin.next({
      type: 'moved',
      penguin: 0,
      seq: 1,
      granted: false,
      reason: 'stale',
      position: 0,
      knockedDown: false,
      done: false,
    });
    assert.equal(next && next.request.type === 'move' && next.request.from, 0);
    assert.equal(
      penguin.next({ type: 'moved', penguin: 0, seq: 2, granted: true, position: 12, knockedDown: false, place: 1, done: true }),
      undefined,
    );

    const fly = new Fly(0, rules);
    let action = fly.start();
    for (let i = 0; i < 20; i++) {
      const request = action.request as { position: number; target: number; seq: number };
      assert.ok(request.position >= 1 && request.position <= 11);
      const reply: FlyReply = {
        type: 'flew',
        fly: 0,
        seq: request.seq,
        target: request.target,
        targetPosition: 0,
        knocked: false,
        done: false,
      };
      const nextAction = fly.next(reply)!;
      const moved = (nextAction.request as { position: number }).position;
      assert.ok(Math.abs(moved - request.position) <= 2 && moved >= 1, `toward 0 but never onto it: ${request.position} -> ${moved}`);
      action = nextAction;
    }
    assert.equal((action.request as { position: number }).position, 1);
  });

  it('by default a fly wanders freely over the whole track, start and line included, at most flySpeed cells a move', () => {
    const rules = rulesWith({ penguins: 3, flies: 1, length: 6, flySpeed: 2 });
    assert.deepEqual([rules.denyRate, rules.refuseStale, rules.homingFlies], [0, false, false], 'the seed has no extra rule');
    const fly = new Fly(0, rules);
    let action = fly.start();
    const seen = new Set<number>();
    const steps = new Set<number>();
    for (let i = 0; i < 300; i++) {
      const request = action.request as { position: number; target: number; seq: number };
      seen.add(request.position);
      const reply: FlyReply = {
        type: 'flew',
        fly: 0,
        seq: request.seq,
        target: request.target,
        targetPosition: 3,
        knocked: false,
        done: false,
      };
      action = fly.next(reply)!;
      const moved = (action.request as { position: number }).position;
      assert.ok(moved >= 0 && moved <= 6 && Math.abs(moved - request.position) <= 2, `${request.position} -> ${moved}`);
      steps.add(Math.sign(moved - request.position));
    }
    assert.deepEqual(
      [...seen].sort((a, b) => a - b),
      [0, 1, 2, 3, 4, 5, 6],
      'every cell visited',
    );
    assert.deepEqual([...steps].sort(), [-1, 0, 1], 'back, still and forward: not homing');
  });

  it('bad options are named', () => {
    const cases: Array<[RaceOptions, RegExp]> = [
      [{ penguins: 0 }, /^penguins must be an integer from 1 to/],
      [{ flies: -1 }, /^flies must be an integer from 0/],
      [{ length: 1 }, /^length must be an integer from 2/],
      [{ latencyMs: [20, 5] }, /^latencyMs must be milliseconds .* min <= max, got an array/],
      [{ runtime: 'fibers' as 'async' }, /^runtime must be one of async, threads, processes, net, got "fibers"/],
      [{ clock: 'sundial' as 'real' }, /^clock must be 'real' or 'virtual'/],
      [{ denyRate: 1 }, /^denyRate must be a probability/],
      [{ refuseStale: 'yes' as unknown as boolean }, /^refuseStale must be true or false/],
      [{ homingFlies: 1 as unknown as boolean }, /^homingFlies must be true or false/],
      [{ seed: 1.5 }, /^seed must be an integer >= 0, got 1.5/],
      [{ onFrame: 'draw' as unknown as () => void }, /^onFrame must be a function/],
      [{ speed: 3 } as RaceOptions, /^unknown race option "speed"/],
    ];
    for (const [options, message] of cases) {
      assert.throws(
        () => normalizeRaceOptions(options),
        (error: Error) => error instanceof RaceOptionError && message.test(error.message),
      );
    }
  });
});
