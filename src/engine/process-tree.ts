/**
 * Processes as /proc (Linux) shows them: a process and its descendants, their
 * threads, memory and CPU time, whether one is still running (a zombie is not),
 * and ending a whole tree.
 *
 * Used by the grader (a sandbox's processes are found two ways, because each
 * can be escaped alone: its process group, which a child started with
 * `detached: true` leaves, and an environment marker every descendant
 * inherits, which a child started with a fresh `env` drops; whatever carries
 * either is ended), by the test harness (leftover processes), by the lifetime
 * demo of unit 06 and by the monitor's benchmark (CPU time of a tree).
 */
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';

export interface ProcessInfo {
  pid: number;
  parentPid: number;
  groupId: number;
  threads: number;
  /** Resident memory in bytes. */
  rssBytes: number;
  /** CPU time used so far (user + system), in seconds. */
  cpuSeconds: number;
}

const PAGE_BYTES = 4096;
/** /proc counts CPU time in clock ticks of 1/100 s (USER_HZ) on Linux. */
const TICKS_PER_SECOND = 100;

/**
 * Reads a small /proc file into one buffer kept for the purpose: the grader's
 * watchdog reads every process's stat ten times a second, and a fresh 64 KB
 * buffer per read (what readFileSync takes for a file of unknown size) kept
 * the garbage collector busy.
 */
const procBuffer = Buffer.alloc(64 * 1024);
function readProcFile(path: string): string {
  const fd = openSync(path, 'r');
  try {
    let length = 0;
    for (;;) {
      const count = readSync(fd, procBuffer, length, procBuffer.length - length, null);
      if (count === 0 || length + count >= procBuffer.length) return procBuffer.toString('latin1', 0, length + count);
      length += count;
    }
  } finally {
    closeSync(fd);
  }
}

/** A live process's figures, or undefined when it has ended (or is a zombie, which holds no resources). */
export function processInfo(pid: number): ProcessInfo | undefined {
  try {
    const text = readProcFile(`/proc/${pid}/stat`);
    // The command name (field 2) is in parentheses and may hold spaces: parse after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z') return undefined; // a zombie holds no resources
    return {
      pid,
      parentPid: Number(fields[1]),
      groupId: Number(fields[2]),
      threads: Number(fields[17]),
      rssBytes: Number(fields[21]) * PAGE_BYTES,
      cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND,
    };
  } catch {
    return undefined; // ended while we looked
  }
}

/** Running, not ended and not a zombie (an ended child nobody reaped still answers `kill(pid, 0)`). */
export function isRunning(pid: number): boolean {
  return processInfo(pid) !== undefined;
}

function allPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (Number.isInteger(pid) && pid > 0) pids.push(pid);
  }
  return pids;
}

/** Every live process of group `groupId`, and every descendant of `rootPid`. */
export function processTree(rootPid: number, groupId = rootPid): ProcessInfo[] {
  const infos = allPids()
    .map(processInfo)
    .filter((info): info is ProcessInfo => info !== undefined);
  const byParent = new Map<number, ProcessInfo[]>();
  for (const info of infos) {
    const siblings = byParent.get(info.parentPid) ?? [];
    siblings.push(info);
    byParent.set(info.parentPid, siblings);
  }
  const found = new Map<number, ProcessInfo>();
  const stack = infos.filter((info) => info.groupId === groupId || info.pid === rootPid);
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (found.has(next.pid)) continue;
    found.set(next.pid, next);
    stack.push(...(byParent.get(next.pid) ?? []));
  }
  return [...found.values()];
}

/** Processes whose environment holds `name=value`. */
export function processesWithMarker(name: string, value: string): number[] {
  const marker = `${name}=${value}`;
  const pids: number[] = [];
  for (const pid of allPids()) {
    if (pid === process.pid) continue;
    try {
      const environ = readProcFile(`/proc/${pid}/environ`);
      if (environ.split('\0').includes(marker) && processInfo(pid) !== undefined) pids.push(pid);
    } catch {
      // Ended, or not ours.
    }
  }
  return pids;
}

function kill(target: number): void {
  // Never pid 0/1 (or -1: every process we may signal), never ourselves.
  if (Math.abs(target) <= 1 || Math.abs(target) === process.pid) return;
  try {
    process.kill(target, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/**
 * SIGKILLs a sandbox: its process group, its descendants, and anything still
 * carrying its marker. Returns how many processes were found alive.
 */
export function killSandbox(rootPid: number, marker?: { name: string; value: string }): number {
  if (!(Number.isInteger(rootPid) && rootPid > 1)) throw new RangeError(`killSandbox needs a real process id, got ${rootPid}`);
  // Find everything first, kill after: once a parent dies, its children are re-parented and lost from the tree.
  const tree = processTree(rootPid);
  const marked = marker ? processesWithMarker(marker.name, marker.value) : [];
  kill(-rootPid);
  for (const info of tree) kill(info.pid);
  for (const pid of marked) {
    kill(-pid);
    kill(pid);
  }
  return new Set([...tree.map((info) => info.pid), ...marked]).size;
}

/** SIGKILLs every process (and its group) whose environment holds `name=value`. Returns how many. */
export function killMarked(name: string, value: string): number {
  const marked = processesWithMarker(name, value);
  for (const pid of marked) {
    kill(-pid);
    kill(pid);
  }
  return marked.length;
}
