/** Unit 05's forced interleavings: real workers, one step at a time, in the order a schedule names. */
import assert from 'node:assert/strict';
import { renderChartPng } from '../../../src/notebook/charts.js';
import { LabTimeoutError, LabWorkerError } from '../../../src/05-races-and-locks/labs/lab-team.js';
import { interleavingChart, runInterleaving, type InterleavingResult } from '../../../src/05-races-and-locks/labs/interleavings.js';

/** "worker instruction x" per row: the run at a glance. */
const trace = (result: InterleavingResult): string[] => result.rows.map((row) => `${row.worker} ${row.instruction} x=${row.x}`);

describe('forced interleavings', function () {
  this.timeout(20_000);

  it('lost update: "0 1 0 1 1 0" loses one increment, every time', async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const result = await runInterleaving('lost-update', '0 1 0 1 1 0');
      assert.deepEqual(result.schedule, [0, 1, 0, 1, 1, 0]);
      assert.deepEqual(trace(result), ['0 load x=0', '1 load x=0', '0 add x=0', '1 add x=0', '1 store x=1', '0 store x=1']);
      assert.deepEqual(
        result.rows.map((row) => [row.r0, row.r1]),
        [
          [0, 0],
          [0, 0],
          [1, 0],
          [1, 1],
          [1, 1],
          [1, 1],
        ],
      );
      assert.deepEqual(
        result.rows.map((row) => row.step),
        [1, 2, 3, 4, 5, 6],
      );
      assert.equal(result.x, 1);
      assert.equal(result.expectedX, 2);
      assert.equal(result.lostUpdates, 1);
      assert.equal(result.finished, true);
      assert.equal(result.deadlocked, false);
    }
  });

  it('lost update: "000111" (one after the other) loses nothing', async () => {
    const result = await runInterleaving('lost-update', '000111');
    assert.deepEqual(trace(result), ['0 load x=0', '0 add x=0', '0 store x=1', '1 load x=1', '1 add x=1', '1 store x=2']);
    assert.equal(result.lostUpdates, 0);
    assert.deepEqual(
      result.spans.map((span) => `${span.lane}: ${span.label} ${span.start}-${span.end}`),
      ['worker 0: load 0-1', 'worker 0: add 1-2', 'worker 0: store 2-3', 'worker 1: load 3-4', 'worker 1: add 4-5', 'worker 1: store 5-6'],
    );
  });

  it('AB/BA deadlock: "0101" leaves each worker holding one lock and waiting for the other; detected, reported, ended', async () => {
    const started = performance.now();
    const result = await runInterleaving('deadlock', '0101', { timeout: 5000 });
    assert.ok(performance.now() - started < 5000);
    assert.equal(result.deadlocked, true);
    assert.equal(result.finished, false);
    assert.equal(result.lostUpdates, undefined);
    assert.deepEqual(trace(result), ['0 acquire A x=0', '1 acquire B x=0', '0 acquire B x=0', '1 acquire A x=0']);
    assert.deepEqual(
      result.rows.map((row) => [row.A, row.B]),
      [
        ['worker 0', 'free'],
        ['worker 0', 'worker 1'],
        ['worker 0', 'worker 1'],
        ['worker 0', 'worker 1'],
      ],
    );
    assert.equal(result.rows[2].note, 'must wait: B is held by worker 1');
    assert.deepEqual(result.waits, [
      { worker: 0, instruction: 'acquire B', lock: 'B', heldBy: 1, holding: ['A'] },
      { worker: 1, instruction: 'acquire A', lock: 'A', heldBy: 0, holding: ['B'] },
    ]);
    assert.deepEqual(result.cycle, [0, 1, 0]);
    assert.deepEqual(result.explanation, [
      'worker 0 holds A and waits for B, held by worker 1',
      'worker 1 holds B and waits for A, held by worker 0',
    ]);
    assert.deepEqual(
      result.spans.filter((span) => span.group === 'waiting').map((span) => `${span.lane}: ${span.label} ${span.start}-${span.end}`),
      ['worker 0: wait for B (forever) 2-4', 'worker 1: wait for A (forever) 3-4'],
    );
  });

  it('the same schedule stops the deadlock when both take A before B: worker 1 waits, is woken, finishes', async () => {
    const result = await runInterleaving('lock-order', '0101');
    assert.equal(result.deadlocked, false);
    assert.equal(result.finished, true);
    assert.deepEqual(result.skipped, [{ turn: 4, worker: 1, reason: 'waiting for A (held by worker 0)' }]);
    assert.deepEqual(
      trace(result).map((line) => line.replace(/ x=0$/, '')),
      [
        '0 acquire A',
        '1 acquire A',
        '0 acquire B',
        '0 release B',
        '0 release A',
        '1 acquire A',
        '1 acquire B',
        '1 release B',
        '1 release A',
      ],
    );
    assert.equal(result.rows[4].note, 'wakes worker 1, which gets A');
    assert.equal(result.rows[4].A, 'worker 1');
    assert.equal(result.rows[5].note, 'woken: gets A (waited since step 2)');
    assert.deepEqual(result.waits, []);
  });

  it('a Lock around load/add/store: the losing schedule loses nothing; Atomics.add in one step neither', async () => {
    const locked = await runInterleaving('locked-update', '0 1 0 1 1 0');
    assert.equal(locked.x, 2);
    assert.equal(locked.lostUpdates, 0);
    assert.ok(locked.skipped.length >= 2, JSON.stringify(locked.skipped));
    const atomic = await runInterleaving('atomic-increment', [1, 0]);
    assert.deepEqual(trace(atomic), ['1 inc x=1', '0 inc x=2']);
  });

  it("afterSchedule 'stop' ends the run where the schedule ends; custom programs and 3 workers work", async () => {
    const stopped = await runInterleaving('lost-update', '01', { afterSchedule: 'stop' });
    assert.equal(stopped.rows.length, 2);
    assert.equal(stopped.finished, false);
    assert.equal(stopped.lostUpdates, undefined);
    const custom = await runInterleaving(
      { name: 'three', description: 'three workers', programs: [['load', 'add', 'store'], ['inc'], ['inc', 'inc']] },
      '0 0 1 2 2 0',
    );
    assert.equal(custom.scenario, 'three');
    assert.deepEqual(trace(custom), ['0 load x=0', '0 add x=0', '1 inc x=1', '2 inc x=2', '2 inc x=3', '0 store x=1']);
    assert.equal(custom.lostUpdates, 3);
  });

  it('a worker that ends holding a lock leaves the other stuck: reported as deadlocked, with no cycle', async () => {
    const result = await runInterleaving({ name: 'forgot to release', description: '', programs: [['acquire A'], ['acquire A']] }, '01');
    assert.equal(result.deadlocked, true);
    assert.deepEqual(result.waits, [{ worker: 1, instruction: 'acquire A', lock: 'A', heldBy: 0, holding: [] }]);
    assert.deepEqual(result.cycle, []);
    assert.deepEqual(result.explanation, ['worker 1 waits for A, held by worker 0']);
  });

  it('the timeline chart renders; a worker error and the time bound end the run with named errors', async () => {
    const result = await runInterleaving('deadlock', '0101');
    const chart = interleavingChart(result);
    assert.match(String((chart.options?.plugins?.title as { text: string }).text), /deadlock, schedule 0101: DEADLOCK/);
    assert.equal(renderChartPng(chart, { width: 400, height: 200, scale: 1 }).subarray(1, 4).toString('latin1'), 'PNG');

    await assert.rejects(
      runInterleaving({ name: 'bad', description: '', programs: [['release A']] }, '0'),
      (error: Error) => error instanceof LabWorkerError && /worker 0 failed: .*Lock\.release\(\): the lock is not held/.test(error.message),
    );
    await assert.rejects(
      runInterleaving('lost-update', '000111', { timeout: 1 }),
      (error: Error) => error instanceof LabTimeoutError && /within its timeout of 1 ms/.test(error.message),
    );
  });

  it('names bad inputs', async () => {
    await assert.rejects(
      runInterleaving('race' as never, '01'),
      /scenario must be one of 'lost-update', 'atomic-increment', 'locked-update', 'deadlock', 'lock-order'/,
    );
    await assert.rejects(
      runInterleaving({ name: 'x', description: '', programs: [['load', 'jump']] }, '0'),
      /scenario\.programs\[0\]\[1\] must be an instruction .* got "jump"/,
    );
    await assert.rejects(
      runInterleaving({ name: 'x', description: '', programs: [[]] }, '0'),
      /scenario\.programs\[0\] must be a non-empty array/,
    );
    await assert.rejects(
      runInterleaving({ programs: 'load' } as never, '0'),
      /scenario must be a scenario name or \{ name, description, programs/,
    );
    await assert.rejects(runInterleaving('lost-update', '012'), /schedule\[2\] must be a worker number from 0 to 1, got 2/);
    await assert.rejects(runInterleaving('lost-update', '0 x'), /schedule\[1\] must be a worker number from 0 to 1, got "x"/);
    await assert.rejects(runInterleaving('lost-update', 7 as never), /schedule must be a string of worker numbers/);
    await assert.rejects(
      runInterleaving('lost-update', '01', { afterSchedule: 'loop' as never }),
      /afterSchedule must be one of 'finish', 'stop'/,
    );
    await assert.rejects(runInterleaving('lost-update', '01', { timeout: 0 }), /timeout must be a number of milliseconds > 0/);
    assert.throws(() => interleavingChart({} as never), /result must be what runInterleaving\(\) resolved to/);
  });
});
