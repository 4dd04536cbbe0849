import assert from 'node:assert/strict';
import { Lock } from '../../src/05-races-and-locks/shared-lock.js';
import {
  buildWaitForGraph,
  describeCycle,
  findCycle,
  threadsInCycle,
  watchForDeadlock,
  type LockView,
  type WaitForGraph,
  waitForGraphOfWaits,
} from '../../src/07-deadlock-and-starvation/wait-for-graph.js';
import { runInterleaving } from '../../src/05-races-and-locks/labs/interleavings.js';
import { waitForGraphPng, waitForGraphSvg } from '../../src/07-deadlock-and-starvation/wait-for-picture.js';

const names = new Map([
  [1, 'worker-0'],
  [2, 'worker-1'],
]);
/** worker-0 holds A and waits for B; worker-1 holds B and waits for A. */
const abba: Record<string, LockView> = { A: { holder: 1, waiters: [2] }, B: { holder: 2, waiters: [1] } };

describe('wait-for graph', () => {
  it("builds the graph of an interleaving run's waits: the AB/BA deadlock of unit 05's lab", async () => {
    const run = await runInterleaving('deadlock', '0 1 0 1');
    assert.equal(run.deadlocked, true);
    const graph = waitForGraphOfWaits(run.waits);
    assert.deepEqual(graph.cycle, ['worker 0', 'B', 'worker 1', 'A']);
    assert.deepEqual(waitForGraphOfWaits([]), { nodes: [], edges: [], cycle: [] });
  });

  it('finds the AB/BA cycle, starting at the first thread', () => {
    const graph = buildWaitForGraph(abba, names);
    assert.deepEqual(graph.cycle, ['worker-0', 'B', 'worker-1', 'A']);
    assert.deepEqual(
      graph.nodes.map((node) => `${node.kind}:${node.id}`),
      ['thread:worker-0', 'thread:worker-1', 'lock:A', 'lock:B'],
    );
    assert.deepEqual([...graph.edges].map((edge) => `${edge.from} ${edge.kind} ${edge.to}`).sort(), [
      'A held-by worker-0',
      'B held-by worker-1',
      'worker-0 waits-for B',
      'worker-1 waits-for A',
    ]);
    assert.equal(describeCycle(graph), 'worker-0, waits for B, held by worker-1, waits for A, held by worker-0');
    assert.deepEqual(
      threadsInCycle(graph).map((node) => node.threadId),
      [1, 2],
    );
  });

  it('sees no cycle when one thread waits for a lock whose holder is not waiting', () => {
    const graph = buildWaitForGraph({ A: { holder: 1, waiters: [2] }, B: { holder: undefined, waiters: [] } }, names);
    assert.deepEqual(graph.cycle, []);
    assert.equal(describeCycle(graph), 'no cycle: no deadlock');
  });

  it('finds a cycle of five (dining philosophers), names unknown threads, ignores duplicate waiters', () => {
    const locks: Record<string, LockView> = {};
    for (let i = 0; i < 5; i++) locks[`fork ${i}`] = { holder: 10 + i, waiters: [10 + ((i + 4) % 5), 10 + ((i + 4) % 5)] };
    const graph = buildWaitForGraph(locks);
    assert.equal(graph.cycle.length, 10);
    assert.equal(graph.cycle[0], 'thread 10');
    assert.equal(graph.edges.filter((edge) => edge.kind === 'waits-for').length, 5);
  });

  it('findCycle works on any directed graph, and says [] for a DAG', () => {
    const nodes = ['t1', 'x', 't2'].map((id) => ({ id, kind: id.startsWith('t') ? ('thread' as const) : ('lock' as const) }));
    assert.deepEqual(
      findCycle(nodes, [
        { from: 't1', to: 'x', kind: 'waits-for' },
        { from: 'x', to: 't2', kind: 'held-by' },
      ]),
      [],
    );
    assert.deepEqual(
      findCycle(nodes, [
        { from: 'x', to: 't2', kind: 'held-by' },
        { from: 't2', to: 'x', kind: 'waits-for' },
      ]),
      ['t2', 'x'],
    );
  });

  it('reads live kit Locks (holder and waiters from shared memory)', () => {
    const a = new Lock();
    assert.equal(a.tryAcquire(), true);
    try {
      const graph = buildWaitForGraph({ A: a }, new Map([[0, 'main']]));
      assert.deepEqual(graph.edges, [{ from: 'A', to: 'main', kind: 'held-by' }]);
    } finally {
      a.release();
    }
  });

  it('rejects bad inputs with named errors', () => {
    assert.throws(() => buildWaitForGraph(null as never), /locks must be an object mapping lock names to locks/);
    assert.throws(() => buildWaitForGraph({ A: 3 as never }), /locks\.A must be a lock/);
    assert.throws(() => buildWaitForGraph(abba, { 1: 'x' } as never), /threads must be a Map/);
    assert.throws(() => buildWaitForGraph({ 'worker-0': abba.A }, names), /is also a thread's name/);
  });
});

describe('watchForDeadlock', () => {
  it('reports a cycle only once it has been seen `confirmations` times in a row', async () => {
    const none = buildWaitForGraph({ A: { holder: 1, waiters: [] } }, names);
    const cycle = buildWaitForGraph(abba, names);
    // cycle, none, cycle, cycle, cycle: the first sighting is an accident; the last three confirm.
    const sequence = [cycle, none, cycle, cycle, cycle];
    let looks = 0;
    const found = await watchForDeadlock(() => sequence[Math.min(looks++, sequence.length - 1)], { pollMs: 1, confirmations: 3 });
    assert.equal(looks, 5);
    assert.deepEqual(found?.cycle, ['worker-0', 'B', 'worker-1', 'A']);
  });

  it('resolves undefined when `until` turns true or the signal aborts', async () => {
    const none = (): WaitForGraph => buildWaitForGraph({}, names);
    let looks = 0;
    assert.equal(await watchForDeadlock(() => (looks++, none()), { pollMs: 1, until: () => looks >= 3 }), undefined);
    const controller = new AbortController();
    const watching = watchForDeadlock(none, { pollMs: 1000, signal: controller.signal });
    controller.abort();
    assert.equal(await watching, undefined);
  });

  it('rejects bad options with named errors', async () => {
    await assert.rejects(
      watchForDeadlock(() => buildWaitForGraph({}), { pollMs: 0 }),
      /pollMs must be a positive integer, got 0/,
    );
    await assert.rejects(
      watchForDeadlock(() => buildWaitForGraph({}), { confirmations: 1.5 }),
      /confirmations must be a positive integer/,
    );
    await assert.rejects(watchForDeadlock('graph' as never), /snapshot must be a function/);
    await assert.rejects(
      watchForDeadlock(() => buildWaitForGraph({}), { until: 1 as never }),
      /until must be a function/,
    );
  });
});

describe('wait-for pictures', () => {
  it('draws a PNG and an SVG with the cycle in red', () => {
    const graph = buildWaitForGraph(abba, names);
    const png = waitForGraphPng(graph, { width: 320, height: 240, scale: 1 });
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.equal(png.readUInt32BE(16), 320); // IHDR width
    const svg = waitForGraphSvg(graph);
    assert.match(svg, /^<svg /);
    assert.equal((svg.match(/<line [^>]*stroke="#d62728"/g) ?? []).length, 4);
    assert.match(svg, /lock A/);
    assert.match(svg, /waits for/);
    assert.match(svg, /held by/);
    const calm = waitForGraphSvg(buildWaitForGraph({ A: { holder: 1, waiters: [] } }, names));
    assert.equal((calm.match(/stroke="#d62728"/g) ?? []).length, 0);
    assert.match(calm, /No cycle/);
  });

  it('rejects a bad graph or size with named errors', () => {
    assert.throws(() => waitForGraphPng({} as never), /graph must be a WaitForGraph/);
    assert.throws(() => waitForGraphSvg(buildWaitForGraph(abba, names), { width: -1 }), /width must be a positive number, got -1/);
  });
});
