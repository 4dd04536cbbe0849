/**
 * The wait-for graph, and a watchdog that finds deadlocks in it.
 *
 * Nodes are threads and locks. An edge thread → lock means "waits for"; an edge
 * lock → thread means "held by". A deadlock is a cycle: T1 waits for B, held by
 * T2, which waits for A, held by T1. Nobody in a cycle can move, ever, unless
 * someone from outside breaks it.
 *
 * The kit's Lock keeps in shared memory who holds it and who waits for it, so
 * the main thread can read every lock and draw the graph while the workers are
 * stuck. Those readings are not one atomic snapshot (a thread may move between
 * reading lock A and lock B), so a cycle seen once may be an accident of timing.
 * The watchdog reports a cycle only after seeing the *same* cycle in several
 * consecutive polls. It polls with timers, never blocks: in a notebook the main
 * thread is the kernel.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { checkPositiveInteger, checkSignal, describeValue } from '../engine/validate.js';
import { findCycle as findGraphCycle } from '../engine/find-cycle.js';
import type { InterleavingWait } from '../05-races-and-locks/labs/interleavings.js';

/** What the graph needs from a lock: its holder and its waiters (thread ids). The kit's Lock has both. */
export interface LockView {
  readonly holder: number | undefined;
  readonly waiters: readonly number[];
}

export interface WaitForNode {
  /** The thread's or lock's name (unique in the graph). */
  readonly id: string;
  readonly kind: 'thread' | 'lock';
  /** For a thread: its worker_threads threadId. */
  readonly threadId?: number;
}

export interface WaitForEdge {
  readonly from: string;
  readonly to: string;
  /** thread → lock: 'waits-for'; lock → thread: 'held-by'. */
  readonly kind: 'waits-for' | 'held-by';
}

export interface WaitForGraph {
  readonly nodes: WaitForNode[];
  readonly edges: WaitForEdge[];
  /** Node ids around the first cycle found, starting at a thread (the edge back to the start is implied); [] if none. */
  readonly cycle: string[];
}

/** Named threads: threadId → name. Threads not named here appear as "thread <id>". */
export type ThreadNames = ReadonlyMap<number, string>;

/**
 * Reads every lock once and builds the wait-for graph, with its first cycle.
 * `locks` maps lock names to locks (or anything with `holder` and `waiters`).
 */
export function buildWaitForGraph(locks: Readonly<Record<string, LockView>>, threads: ThreadNames = new Map()): WaitForGraph {
  if (typeof locks !== 'object' || locks === null || Array.isArray(locks)) {
    throw new TypeError(`locks must be an object mapping lock names to locks, e.g. { A: lockA, B: lockB }, got ${describeValue(locks)}`);
  }
  if (!(threads instanceof Map)) {
    throw new TypeError(`threads must be a Map from threadId to name, got ${describeValue(threads)}`);
  }
  const nodes: WaitForNode[] = [];
  const edges: WaitForEdge[] = [];
  const threadNode = new Map<number, string>();
  const addThread = (threadId: number): string => {
    const known = threadNode.get(threadId);
    if (known !== undefined) return known;
    const id = threads.get(threadId) ?? `thread ${threadId}`;
    threadNode.set(threadId, id);
    nodes.push({ id, kind: 'thread', threadId });
    return id;
  };
  for (const threadId of threads.keys()) addThread(threadId);

  const lockNames = Object.keys(locks);
  const threadNames = new Set(nodes.map((node) => node.id));
  for (const name of lockNames) {
    if (threadNames.has(name)) throw new RangeError(`lock name ${JSON.stringify(name)} is also a thread's name: names must be unique`);
    const lock = locks[name];
    if (typeof lock !== 'object' || lock === null || !('waiters' in lock) || !('holder' in lock)) {
      throw new TypeError(`locks.${name} must be a lock (with holder and waiters), got ${describeValue(lock)}`);
    }
  }
  for (const name of lockNames) {
    // One read of each field: a live lock may change between reads.
    const holder = locks[name].holder;
    const waiters = [...new Set(locks[name].waiters)];
    nodes.push({ id: name, kind: 'lock' });
    if (holder !== undefined) edges.push({ from: name, to: addThread(holder), kind: 'held-by' });
    for (const waiter of waiters) edges.push({ from: addThread(waiter), to: name, kind: 'waits-for' });
  }
  return { nodes, edges, cycle: findCycle(nodes, edges) };
}

/**
 * The wait-for graph of the workers left asleep at the end of a run of unit 05's
 * interleaving lab (`runInterleaving(...).waits`): each lock is held by the worker
 * that lists it in `holding` and waited for by those stuck on it; workers are named
 * "worker 0", "worker 1"...
 */
export function waitForGraphOfWaits(waits: readonly InterleavingWait[]): WaitForGraph {
  const lockNames = [...new Set(waits.flatMap((wait) => [wait.lock, ...wait.holding]))].sort();
  const locks: Record<string, LockView> = {};
  for (const lock of lockNames) {
    locks[lock] = {
      holder: waits.find((wait) => wait.holding.includes(lock))?.worker,
      waiters: waits.filter((wait) => wait.lock === lock).map((wait) => wait.worker),
    };
  }
  const workers = [...new Set(waits.map((wait) => wait.worker))].sort((a, b) => a - b);
  return buildWaitForGraph(locks, new Map(workers.map((worker) => [worker, `worker ${worker}`])));
}

/**
 * The first cycle of the graph (engine/find-cycle.ts: a depth-first search),
 * as node ids, rotated to start at the earliest thread node in `nodes` order;
 * [] if there is none. A cycle is a deadlock: every thread in it waits for a
 * lock held by the next.
 */
export function findCycle(nodes: readonly WaitForNode[], edges: readonly WaitForEdge[]): string[] {
  const next = new Map<string, string[]>();
  for (const edge of edges) next.set(edge.from, [...(next.get(edge.from) ?? []), edge.to]);
  const cycle = findGraphCycle(
    nodes.map((node) => node.id),
    (id) => next.get(id) ?? [],
  );
  return cycle.length > 0 ? rotateToFirstThread(cycle, nodes) : [];
}

function rotateToFirstThread(cycle: string[], nodes: readonly WaitForNode[]): string[] {
  const order = new Map(nodes.map((node, index) => [node.id, node.kind === 'thread' ? index : Infinity]));
  let start = 0;
  cycle.forEach((id, index) => {
    if ((order.get(id) ?? Infinity) < (order.get(cycle[start]) ?? Infinity)) start = index;
  });
  return [...cycle.slice(start), ...cycle.slice(0, start)];
}

/** The cycle's thread nodes, e.g. ['worker-0', 'worker-1']. */
export function threadsInCycle(graph: WaitForGraph): WaitForNode[] {
  const inCycle = new Set(graph.cycle);
  return graph.nodes.filter((node) => node.kind === 'thread' && inCycle.has(node.id));
}

/** The cycle written out: "worker-0 waits for B, held by worker-1, waits for A, held by worker-0". */
export function describeCycle(graph: WaitForGraph): string {
  if (graph.cycle.length === 0) return 'no cycle: no deadlock';
  const kinds = new Map(graph.nodes.map((node) => [node.id, node.kind]));
  const words = graph.cycle.map((id, index) => (index === 0 ? id : `${kinds.get(id) === 'lock' ? 'waits for' : 'held by'} ${id}`));
  return `${words.join(', ')}, held by ${graph.cycle[0]}`;
}

export interface DeadlockWatchOptions {
  /** Milliseconds between two looks at the locks (default 10). */
  pollMs?: number;
  /** How many consecutive looks must show the same cycle (default 3). */
  confirmations?: number;
  /** Stops watching (the watch then resolves undefined). */
  signal?: AbortSignal;
  /** Checked before every look: once it returns true, the watch resolves undefined (e.g. "all workers ended"). */
  until?: () => boolean;
}

/**
 * Looks at the graph every `pollMs` (with timers: the event loop stays free) and
 * resolves with it once the same cycle has been seen `confirmations` times in a
 * row. Resolves undefined when `signal` aborts or `until()` turns true first.
 */
export async function watchForDeadlock(
  snapshot: () => WaitForGraph,
  options: DeadlockWatchOptions = {},
): Promise<WaitForGraph | undefined> {
  if (typeof snapshot !== 'function')
    throw new TypeError(`snapshot must be a function returning a WaitForGraph, got ${describeValue(snapshot)}`);
  const pollMs = checkPositiveInteger(options.pollMs ?? 10, 'pollMs');
  const confirmations = checkPositiveInteger(options.confirmations ?? 3, 'confirmations');
  const signal = checkSignal(options.signal, 'signal');
  const until = options.until ?? (() => false);
  if (typeof until !== 'function') throw new TypeError(`until must be a function returning true to stop, got ${describeValue(until)}`);
  let seen = '';
  let streak = 0;
  while (!signal?.aborted && !until()) {
    const graph = snapshot();
    const key = graph.cycle.join(' → ');
    streak = key !== '' && key === seen ? streak + 1 : key === '' ? 0 : 1;
    seen = key;
    if (streak >= confirmations) return graph;
    try {
      await delay(pollMs, undefined, { signal });
    } catch {
      return undefined; // aborted
    }
  }
  return undefined;
}
