/**
 * The rule "a test that leaves a process running is a failing test", applied to
 * every test, present and future (loaded by .mocharc.json before any test file).
 *
 * Every test function is wrapped: after it settles, the wrapper waits briefly for
 * things to wind down, then fails *that test* if any of these is still there:
 * - a process started during the test (child, grandchild or orphan): found by an
 *   environment marker every descendant of this run inherits;
 * - a worker thread: found by this process's thread count;
 * - a handle or timer that keeps the event loop alive (sockets, servers, child
 *   pipes, intervals), from `process.getActiveResourcesInfo()`.
 * Leftover processes are killed so one leak does not spoil the tests after it.
 * (A wrapper, not an afterEach hook: a failing root hook would make mocha skip
 * every test after it.)
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import Mocha from 'mocha';
import { createCanvas } from '../../src/notebook/canvas.js';
import { processesWithMarker } from '../../src/engine/process-tree.js';

const MARKER = 'COURSE_KIT_TEST_RUN';
const SETTLE_MS = 3000;

process.env[MARKER] = process.env[MARKER] || randomUUID();
/** Helpers started before the first test (e.g. a loader's service process) are not leaks. */
const preexisting = new Set<number>();

/** Processes (other than this one, and other than helpers started before the tests) that inherited this run's marker. */
export function markedProcesses(): number[] {
  return processesWithMarker(MARKER, process.env[MARKER]!).filter((pid) => !preexisting.has(pid));
}

function threadCount(): number {
  const status = readFileSync('/proc/self/status', 'latin1');
  return Number(/^Threads:\s+(\d+)/m.exec(status)?.[1] ?? 0);
}

function activeResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

function extraResources(before: Map<string, number>): string[] {
  const extra: string[] = [];
  for (const [kind, count] of activeResources()) {
    // Requests (fs reads, DNS) finish by themselves; only lasting handles count.
    if (/Req$/.test(kind)) continue;
    const grown = count - (before.get(kind) ?? 0);
    if (grown > 0) extra.push(`${grown} ${kind}`);
  }
  return extra;
}

interface Snapshot {
  threads: number;
  resources: Map<string, number>;
}

let baselineThreads = 0;

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').join(' ').trim().slice(0, 80);
  } catch {
    return '?';
  }
}

function leftovers(before: Snapshot): string[] {
  const found: string[] = [];
  const pids = markedProcesses();
  if (pids.length > 0) {
    found.push(`${pids.length} process(es) still running: ${pids.map((pid) => `pid ${pid} (${commandLine(pid)})`).join(', ')}`);
  }
  const threads = threadCount() - Math.max(before.threads, baselineThreads);
  if (threads > 0) found.push(`${threads} extra thread(s): a worker was not ended`);
  found.push(...extraResources(before.resources).map((r) => `${r} still open`));
  return found;
}

async function checkLeftovers(before: Snapshot): Promise<void> {
  const deadline = Date.now() + SETTLE_MS;
  let found = leftovers(before);
  while (found.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    found = leftovers(before);
  }
  if (found.length === 0) return;
  for (const pid of markedProcesses()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  throw new Error(`left things running: ${found.join('; ')}`);
}

type TestFunction = (this: Mocha.Context, done?: Mocha.Done) => unknown;

/** Runs a test function (promise or `done` style) and then checks for leftovers. */
function guarded(original: TestFunction): TestFunction {
  return async function (this: Mocha.Context) {
    await Promise.resolve(); // mocha starts the test's timer once this returns: count it in the snapshot.
    const before: Snapshot = { threads: threadCount(), resources: activeResources() };
    if (original.length > 0) {
      await new Promise<void>((resolve, reject) => {
        original.call(this, (error?: unknown) => (error ? reject(error) : resolve()));
      });
    } else {
      await original.call(this);
    }
    await checkLeftovers(before);
  };
}

const addTest = Mocha.Suite.prototype.addTest;
Mocha.Suite.prototype.addTest = function (this: Mocha.Suite, test: Mocha.Test) {
  if (test.fn) test.fn = guarded(test.fn as TestFunction) as Mocha.Func;
  return addTest.call(this, test);
};

export const mochaHooks = {
  async beforeAll(): Promise<void> {
    // Start libuv's thread pool now, so its threads are not mistaken for workers;
    // likewise the canvas addon's own threads (the kit loads it on first drawing).
    await Promise.all([1, 2, 3, 4].map(() => readFile('/proc/self/status')));
    createCanvas(1, 1).toBuffer('image/png');
    baselineThreads = threadCount();
    for (const pid of markedProcesses()) preexisting.add(pid);
  },
};
