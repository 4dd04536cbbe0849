import assert from 'node:assert/strict';
import { compareCpuModes } from '../../src/01-threads-vs-async/cpu-demo.js';
import { compareIoModes } from '../../src/01-threads-vs-async/io-demo.js';
import { Timeline } from '../../src/01-threads-vs-async/timeline.js';

describe('unit 01 demos', () => {
  it("I/O jobs: the seed's messages; sequential never overlaps, concurrent and threads do", async () => {
    const lines: string[] = [];
    const { results } = await compareIoModes({ scale: 40, log: (line) => lines.push(line) });
    assert.deepEqual(
      results.map((r) => r.mode),
      ['sequential', 'concurrent', 'threads'],
    );
    const overlap = (mode: string) => new Timeline().add(...results.find((r) => r.mode === mode)!.spans).maxOverlap;
    assert.equal(overlap('sequential'), 1);
    assert.ok(overlap('concurrent') >= 3, `concurrent overlap ${overlap('concurrent')}`);
    const threadLanes = new Set(results.find((r) => r.mode === 'threads')!.spans.map((span) => span.lane));
    assert.equal(threadLanes.size, 4, 'each job on its own thread');
    assert.ok(lines.includes('[sequential] SolicitudRed: inicia petición API'));
    assert.ok(lines.some((line) => /^\[concurrent\] Terminan los procesos = \d+\.\d{3}$/.test(line)));
  });

  it('CPU jobs block the main event loop unless they run on threads, and threads run on separate lanes', async () => {
    const { results } = await compareCpuModes({ jobs: 2, jobMs: 120 });
    const [sequential, concurrent, threads] = results;
    assert.ok(sequential.lag.max >= 100, `sequential blocks the loop: max lag ${sequential.lag.max}`);
    assert.ok(concurrent.lag.max >= 100, `Promise.all does not help CPU work: max lag ${concurrent.lag.max}`);
    assert.equal(new Set(sequential.spans.map((s) => s.lane)).size, 1);
    assert.deepEqual(
      [...new Set(threads.spans.map((s) => s.lane))].every((lane) => /^thread \d+$/.test(lane)),
      true,
    );
    assert.equal(new Set(threads.spans.map((s) => s.lane)).size, 2);
  });

  it('names bad parameters', async () => {
    await assert.rejects(compareCpuModes({ jobs: 0 }), /jobs must be a positive integer, got 0/);
    await assert.rejects(compareIoModes({ scale: -1 }), /scale must be a positive integer, got -1/);
  });
});
