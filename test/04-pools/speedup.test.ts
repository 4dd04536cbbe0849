/**
 * Unit 04's speedup: real CPU work, so speedup is bounded by the cores.
 *
 * A single timing says little on a shared machine: another process may hold a
 * core for part of it, or all of it. So no test here compares a time with a
 * bound. Tasks that meet inside the pool (a signal, not a clock) prove that it
 * runs them at the same time on different workers; and pools of 2 and of 1 run
 * side by side, under the same load, in rounds: how much work each got done is
 * compared, and the median of the rounds checked.
 */
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { Pool, amdahlSpeedup, calibrateJob, measureSpeedup, speedupChart } from '../../src/04-pools/index.js';

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * A task for the pool: signals that it has started (cells[0] += 1), waits until
 * `expected` tasks have started or `waitMs` has passed, and says which it was and
 * on which worker it ran. Self-contained: it is sent to the workers as source.
 */
function meet(item: { cells: Int32Array; expected: number; waitMs: number }): { met: boolean; worker: number } {
  const self = globalThis as { speedupTestWorker?: number };
  self.speedupTestWorker ??= Math.random();
  const { cells, expected, waitMs } = item;
  Atomics.add(cells, 0, 1);
  Atomics.notify(cells, 0);
  const deadline = Date.now() + waitMs;
  for (let started = Atomics.load(cells, 0); started < expected; started = Atomics.load(cells, 0)) {
    const left = deadline - Date.now();
    if (left <= 0) return { met: false, worker: self.speedupTestWorker };
    Atomics.wait(cells, 0, started, left);
  }
  return { met: true, worker: self.speedupTestWorker };
}

/** The CPU-bound job (computeJob's loop), returning how long it ran, by its own thread's clock. */
function timedJob(rounds: number): number {
  const start = performance.now();
  let sum = 0;
  for (let i = 0; i < rounds; i++) sum += Math.sqrt(i);
  return sum >= 0 ? performance.now() - start : -1; // uses the sum, so the loop cannot be optimized away
}

describe('measureSpeedup', function () {
  this.timeout(60_000);

  it('1 worker is the baseline: one row per worker count, efficiency = speedup / workers, and a chart', async () => {
    const cores = availableParallelism();
    const result = await measureSpeedup({ workerCounts: [1, cores, cores + 2], jobs: 4, jobMs: 10, repeats: 1 });
    assert.equal(result.cores, cores);
    assert.deepEqual(
      result.rows.map((row) => row.workers),
      [1, cores, cores + 2],
    );
    assert.equal(result.rows[0].speedup, 1);
    for (const row of result.rows) {
      assert.ok(row.wallMs > 0);
      assert.ok(Math.abs(row.speedup - result.rows[0].wallMs / row.wallMs) < 1e-9, 'speedup = time with 1 worker / time with n');
      assert.ok(Math.abs(row.efficiency - row.speedup / row.workers) < 1e-9);
    }
    // f is measured on its own (jobs that do no work), not fitted to the speedups it is compared with.
    assert.ok(result.serialMs > 0);
    assert.equal(result.serialFraction, result.serialMs / result.rows[0].wallMs);
    assert.ok(result.serialFraction < 0.5, `handing out 4 jobs is a small part of 40 ms of work, f = ${result.serialFraction}`);
    for (const row of result.rows) {
      assert.equal(row.amdahl, amdahlSpeedup(row.workers, result.serialFraction, cores));
      assert.ok(row.startupMs > 0);
    }
    assert.match(result.verdict, /speedup was \d+\.\d\d, (close to|well below) Amdahl's \d+\.\d\d for the measured serial part f = /);
    const chart = speedupChart(result);
    assert.equal(chart.data.datasets.length, 3);
    assert.deepEqual(
      chart.data.labels,
      result.rows.map((row) => String(row.workers)),
    );
  });

  it('a pool of 2 runs two tasks at the same time, on two workers; a pool of 1 cannot', async () => {
    // Each task waits inside the pool for the other one to start: they meet only if they run at once.
    const together = new Pool({ size: 2 });
    const alone = new Pool({ size: 1 });
    try {
      const cells = new Int32Array(new SharedArrayBuffer(4));
      const both = await together.map(
        meet,
        [0, 1].map(() => ({ cells, expected: 2, waitMs: 10_000 })),
      );
      assert.deepEqual(
        both.map((task) => task.met),
        [true, true],
      );
      assert.notEqual(both[0].worker, both[1].worker, 'two tasks at once, on one worker');

      // The control: one worker runs them one after the other, so the first waits in vain.
      const cellsAlone = new Int32Array(new SharedArrayBuffer(4));
      const inTurn = await alone.map(
        meet,
        [0, 1].map(() => ({ cells: cellsAlone, expected: 2, waitMs: 200 })),
      );
      assert.deepEqual(
        inTurn.map((task) => task.met),
        [false, true],
      );
      assert.equal(inTurn[0].worker, inTurn[1].worker);
    } finally {
      await Promise.all([together.terminate(), alone.terminate()]);
    }
  });

  it('side by side, under the same load, 2 workers do about twice the work of 1 (median of 7 rounds)', async () => {
    // The two pools share the machine's cores, and whatever else runs there, at the same moment:
    // the scheduler gives each thread its share, so the pool of 2 gets about twice the CPU of the
    // pool of 1 however busy the machine is. A pool that ran one task at a time would do no more.
    // Tasks go one per message (the plain rule), so each result comes back as its task ends and the
    // count of jobs done is current (batched, results come back a batch at a time: 0, 8 or 16).
    const rounds = calibrateJob(10);
    const jobs = Array.from({ length: 16 }, () => rounds);
    const two = new Pool({ size: 2, dispatch: 'one-at-a-time' });
    const one = new Pool({ size: 1, dispatch: 'one-at-a-time' });
    try {
      await Promise.all([two.map(timedJob, jobs.slice(0, 2)), one.map(timedJob, jobs.slice(0, 1))]); // start and warm up the workers
      const speedups: number[] = [];
      for (let round = 0; round < 7; round++) {
        let doneByOne = 0;
        const submitOne = () => Promise.all(jobs.map((job) => one.apply(timedJob, [job]).then(() => void (doneByOne += 1))));
        // Each round, the other pool gets its jobs first.
        const byOne = round % 2 === 0 ? submitOne() : undefined;
        const byTwo = two.map(timedJob, jobs);
        const byOneLater = byOne ?? submitOne();
        await byTwo;
        speedups.push(jobs.length / Math.max(1, doneByOne)); // jobs done by 2 workers / by 1 worker, in the same time
        await byOneLater;
      }
      const shown = `${speedups.map((value) => value.toFixed(2)).join(', ')} (median ${median(speedups).toFixed(2)})`;
      assert.ok(median(speedups) >= 1.33, `2 workers must do more work than 1 in the same time: ${shown}`);
    } finally {
      await Promise.all([two.terminate(), one.terminate()]);
    }
  });

  it("Amdahl's law: no serial part gives the core count; a serial half caps at 2", () => {
    assert.equal(amdahlSpeedup(8, 0, 4), 4);
    assert.ok(Math.abs(amdahlSpeedup(1000, 0.5, 1000) - 2) < 0.01);
  });

  it('names bad options', async () => {
    await assert.rejects(measureSpeedup({ workerCounts: [0] }), /workerCounts\[0\] must be a positive integer, got 0/);
    await assert.rejects(measureSpeedup({ kind: 'fibers' as never }), /kind must be one of 'threads', 'processes'/);
    await assert.rejects(measureSpeedup({ jobs: 1.5 }), /jobs must be a positive integer, got 1.5/);
  });
});
