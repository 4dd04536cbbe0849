/**
 * Runs one compiled test file against the code under test in a sandbox, and
 * reads back what the judge signed. The layers, outside in:
 *
 * - the OS sandbox (engine/os-sandbox.ts): a read-only view holding only the
 *   kit's compiled library and the packages it needs, the run's files on a
 *   tmpfs (they never touch the disk, so nothing is left behind), no network,
 *   its own pid namespace, its own unprivileged user, rlimits;
 * - Node's permission model, as a second layer: reads only /work and /kit,
 *   writes only /work and /tmp, no child processes unless the exercise needs
 *   them, no native addons, no inspector;
 * - a hard time bound, and a watchdog on the tree's memory, threads and
 *   processes that stops the run with a sentence saying why;
 * - the test process (test-process.ts) with its frozen realm: only report
 *   lines signed with this run's key count (engine/signed-report.ts).
 *
 * `isolation: 'none'` (`--unsafe-no-sandbox`) runs the same test process
 * without the OS sandbox, in a temporary folder on disk, for machines that
 * cannot make namespaces. Results say so.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeOsSandbox, sandboxCommand } from '../../engine/os-sandbox.js';
import { ReportVerifier, REPORT_KEY_BYTES } from '../../engine/signed-report.js';
import { compiledEntry, distRoot, kitRoot } from '../../paths.js';
import { kitView, packageClosure } from './kit-view.js';
import { SANDBOX_MARKER } from './marker.js';
import { killMarked, killSandbox, processTree } from '../../engine/process-tree.js';
import type { RunnerEvent } from '../protocol.js';
import type { Bundle } from './test-process.js';

/** 'os': bubblewrap's sandbox; 'none': the test process alone (unsafe, marked as such). */
export type Isolation = 'os' | 'none';

export class SandboxUnavailableError extends Error {}

/** The sentence results carry when they were graded without the OS sandbox on request. */
export const UNSAFE_NOTE = 'UNSAFE: graded without the OS sandbox (--unsafe-no-sandbox)';

/**
 * The isolation to grade with. 'os' insists on the OS sandbox (an error saying
 * why it cannot be had, in one line); 'best' falls back to 'none' without it.
 */
export function chooseIsolation(wanted: 'os' | 'none' | 'best'): { isolation: Isolation; note?: string } {
  if (wanted === 'none') return { isolation: 'none', note: UNSAFE_NOTE };
  const probe = probeOsSandbox();
  if (probe.available) return { isolation: 'os' };
  if (wanted === 'best') return { isolation: 'none', note: `not sandboxed: ${probe.reason}` };
  throw new SandboxUnavailableError(
    `the grader needs an OS sandbox and cannot make one: ${probe.reason}. Grade anyway, unprotected, with --unsafe-no-sandbox`,
  );
}

export interface SandboxLimits {
  /** Hard bound on the whole run, in ms. */
  timeLimitMs: number;
  /** Heap cap of the process and of each of its workers, in MB. */
  memoryMb: number;
  /** Most resident memory of the whole tree, in MB (default: 2 x memoryMb + 128). */
  rssLimitMb?: number;
  allowWorkers: boolean;
  allowChildProcesses: boolean;
  /** Most threads in the whole tree (default 64; a bare Node process has about 10, each worker adds one or two). */
  maxThreads?: number;
  /** Most processes in the tree (default 32). */
  maxProcesses?: number;
  /** Output kept for the report (default 64 KB). */
  outputCapBytes?: number;
  /** Output that stops the run (default 1 MB). */
  outputLimitBytes?: number;
}

export type StopReason = 'timeout' | 'memory' | 'threads' | 'processes' | 'output' | 'canceled';

export interface SandboxOutcome {
  /** The judge's events, each verified. */
  events: RunnerEvent[];
  /** Lines on the report channel that were not the judge's (forged, replayed, cut): ignored. */
  rejectedLines: number;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the grader ended the run, with a sentence saying why. */
  stopped?: { reason: StopReason; detail: string };
  /** The heap ran out (V8's fatal "heap out of memory"). */
  heapExhausted: boolean;
  /** stdout and stderr, interleaved, capped. */
  output: string;
  outputBytes: number;
  durationMs: number;
  /** Processes of the tree still alive when the run ended (all were then killed). */
  leftoverProcesses: number;
}

export interface SandboxRun {
  /** Relative path → content: the compiled code under test, helpers and the test file. */
  files: Record<string, string>;
  /** The compiled test file, one of `files`. */
  testFile: string;
  /** Packages the test imports (bare specifiers). */
  packages: string[];
  limits: SandboxLimits;
  isolation: Isolation;
  /** Per-test time limit in ms (default: the whole run's). */
  testTimeoutMs?: number;
  /** Marks every sandbox of one grading run, so all can be found and ended (e.g. on Ctrl-C). */
  runId?: string;
  signal?: AbortSignal;
}

export { SANDBOX_MARKER } from './marker.js';
export const RUN_MARKER = 'COURSE_GRADER_RUN';
const WATCH_EVERY_MS = 100;
const REPORT_CAP_BYTES = 4 * 1024 * 1024;
const MB = 1024 * 1024;

/** Node's flags inside: the permission model, the heap cap. */
function nodeFlags(limits: SandboxLimits, readable: string[], writable: string[]): string[] {
  const permission = Number(process.versions.node.split('.')[0]) >= 22 ? '--permission' : '--experimental-permission';
  const flags = [
    permission,
    ...readable.map((path) => `--allow-fs-read=${path}`),
    ...writable.map((path) => `--allow-fs-write=${path}`),
    '--no-addons',
    // V8's helper threads off: a class grades an exercise per core at once, and a test run that
    // also spreads its garbage collection over every core only slows its neighbour down.
    '--single-threaded',
    `--max-old-space-size=${Math.max(16, Math.round(limits.memoryMb))}`,
    '--disable-warning=ExperimentalWarning',
    '--disable-warning=SecurityWarning',
    '--enable-source-maps',
  ];
  if (limits.allowWorkers) flags.push('--allow-worker');
  if (limits.allowChildProcesses) flags.push('--allow-child-process');
  return flags;
}

/** The environment inside: nothing of the grader's but what Node needs, and the markers that find the run's processes. */
function environment(home: string, sandboxId: string, runId: string | undefined): Record<string, string> {
  const env: Record<string, string> = {
    HOME: home,
    TMPDIR: '/tmp',
    NODE_ENV: 'test',
    NO_COLOR: '1',
    PATH: '/usr/bin:/bin',
    [SANDBOX_MARKER]: sandboxId,
  };
  if (runId) env[RUN_MARKER] = runId;
  for (const key of ['LANG', 'LC_ALL', 'TZ', 'COURSE_KIT_TEST_RUN']) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return env;
}

interface Launched {
  child: ChildProcess;
  workDir: string;
  /** Removes what the run left on the host (nothing, in the OS sandbox). */
  cleanUp(): void;
}

const STDIO: Array<'ignore' | 'pipe'> = ['ignore', 'pipe', 'pipe', 'pipe', 'pipe', 'pipe'];

function launchInOsSandbox(run: SandboxRun, sandboxId: string): Launched {
  const { mounts, dirs } = kitView();
  const limits = run.limits;
  const rssLimitMb = limits.rssLimitMb ?? 2 * limits.memoryMb + 128;
  const { file, args } = sandboxCommand({
    command: [
      process.execPath,
      ...nodeFlags(limits, ['/work', '/kit', '/proc/self/status'], ['/work', '/tmp']),
      '/kit/dist/grader/sandbox/test-process.js',
    ],
    readOnly: mounts,
    directories: dirs,
    writable: ['/tmp', '/work'],
    symlinks: [
      { at: '/work/node_modules', target: '/kit/node_modules' },
      { at: '/kit/node_modules/course-kit', target: '..' },
    ],
    cwd: '/work',
    env: environment('/work', sandboxId, run.runId),
    limits: {
      // The watchdog stops the run at rssLimitMb with a message; the rlimit is the hard floor under it.
      dataBytes: (rssLimitMb + 256) * MB,
      tasks: (limits.maxThreads ?? 64) + (limits.maxProcesses ?? 32) + 16,
      fileSizeBytes: 64 * MB,
      openFiles: 1024,
    },
  });
  const child = spawn(file, args, { stdio: STDIO, detached: true });
  return { child, workDir: '/work', cleanUp: () => undefined };
}

function launchUnsandboxed(run: SandboxRun, sandboxId: string): Launched {
  const workDir = mkdtempSync(join(tmpdir(), 'grade-'));
  symlinkSync(join(kitRoot, 'node_modules'), join(workDir, 'node_modules'), 'dir');
  const readable = [workDir, distRoot, join(kitRoot, 'package.json'), ...packageClosure().values(), '/proc/self/status'];
  const child = spawn(process.execPath, [...nodeFlags(run.limits, readable, [workDir]), compiledEntry('grader/sandbox/test-process.ts')], {
    cwd: workDir,
    env: { ...environment(workDir, sandboxId, run.runId), TMPDIR: workDir },
    stdio: STDIO,
    detached: true,
  });
  return { child, workDir, cleanUp: () => rmSync(workDir, { recursive: true, force: true, maxRetries: 3 }) };
}

export function runSandbox(run: SandboxRun): Promise<SandboxOutcome> {
  const { limits } = run;
  const rssLimitBytes = (limits.rssLimitMb ?? 2 * limits.memoryMb + 128) * MB;
  const maxThreads = limits.maxThreads ?? 64;
  const maxProcesses = limits.maxProcesses ?? 32;
  const outputCap = limits.outputCapBytes ?? 64 * 1024;
  const outputLimit = limits.outputLimitBytes ?? MB;
  const sandboxId = randomUUID();
  const marker = { name: SANDBOX_MARKER, value: sandboxId };
  const started = performance.now();
  const key = randomBytes(REPORT_KEY_BYTES);
  const verifier = new ReportVerifier<RunnerEvent>(key);

  return new Promise((resolve) => {
    const launched = run.isolation === 'os' ? launchInOsSandbox(run, sandboxId) : launchUnsandboxed(run, sandboxId);
    const { child } = launched;
    const bundle: Bundle = {
      workDir: launched.workDir,
      files: run.files,
      testFile: run.testFile,
      packages: run.packages,
      allowWorkers: limits.allowWorkers,
      testTimeoutMs: run.testTimeoutMs ?? limits.timeLimitMs,
      outputLimitBytes: outputLimit,
    };
    const outcome: SandboxOutcome = {
      events: verifier.events,
      rejectedLines: 0,
      exitCode: null,
      signal: null,
      heapExhausted: false,
      output: '',
      outputBytes: 0,
      durationMs: 0,
      leftoverProcesses: 0,
    };
    const kept: Buffer[] = [];
    let keptBytes = 0;
    let tail = '';
    let finished = false;
    let exited = false;

    const stop = (reason: StopReason, detail: string) => {
      if (outcome.stopped || (exited && reason !== 'output')) return;
      outcome.stopped = { reason, detail };
      if (!exited && child.pid !== undefined) killSandbox(child.pid, marker);
    };

    const onOutput = (chunk: Buffer) => {
      outcome.outputBytes += chunk.length;
      if (keptBytes < outputCap) {
        const part = chunk.subarray(0, outputCap - keptBytes);
        kept.push(part);
        keptBytes += part.length;
      }
      const text = tail + chunk.toString('latin1');
      if (/JavaScript heap out of memory|Reached heap limit/.test(text)) outcome.heapExhausted = true;
      tail = text.slice(-64);
      if (outcome.outputBytes > outputLimit) stop('output', `printed more than ${Math.round(outputLimit / 1024)} KB of output`);
    };
    child.stdout!.on('data', onOutput);
    child.stderr!.on('data', onOutput);

    let reportBytes = 0;
    const reports = child.stdio[3] as NodeJS.ReadableStream;
    reports.on('data', (chunk: Buffer) => {
      reportBytes += chunk.length;
      if (reportBytes > REPORT_CAP_BYTES) {
        stop('output', 'wrote too much to the grader report channel');
        return;
      }
      verifier.push(chunk);
    });
    // The key and the bundle: written once, then the pipes close. Errors mean the process died first.
    const pipes = child.stdio as unknown as NodeJS.WritableStream[];
    const keyPipe = pipes[4];
    const bundlePipe = pipes[5];
    keyPipe.on('error', () => undefined);
    bundlePipe.on('error', () => undefined);
    keyPipe.end(key);
    bundlePipe.end(JSON.stringify(bundle));

    const timer = setTimeout(() => stop('timeout', `timed out after ${formatSeconds(limits.timeLimitMs)}`), limits.timeLimitMs);
    const watchdog = setInterval(() => {
      if (child.pid === undefined || exited) return;
      const tree = processTree(child.pid);
      const rss = tree.reduce((sum, info) => sum + info.rssBytes, 0);
      const threads = tree.reduce((sum, info) => sum + info.threads, 0);
      // The OS sandbox's own helpers (prlimit/bwrap, its init) are not the code's processes.
      const helpers = run.isolation === 'os' ? 2 : 0;
      if (rss > rssLimitBytes) {
        stop('memory', `used more than ${Math.round(rssLimitBytes / MB)} MB of memory (${Math.round(rss / MB)} MB resident)`);
      } else if (threads - helpers > maxThreads) {
        stop(
          'threads',
          `started too many threads (${threads - helpers}, the limit is ${maxThreads}): are workers started in a loop and never ended?`,
        );
      } else if (tree.length - helpers > maxProcesses) {
        stop('processes', `started too many processes (${tree.length - helpers}, the limit is ${maxProcesses})`);
      }
    }, WATCH_EVERY_MS);
    const onAbort = () => stop('canceled', 'canceled');
    run.signal?.addEventListener('abort', onAbort, { once: true });
    if (run.signal?.aborted) onAbort();

    let closeBound: NodeJS.Timeout | undefined;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      clearInterval(watchdog);
      clearTimeout(closeBound);
      run.signal?.removeEventListener('abort', onAbort);
      verifier.end();
      outcome.rejectedLines = verifier.rejected;
      outcome.output = Buffer.concat(kept).toString('utf8');
      if (outcome.outputBytes > keptBytes) outcome.output += `\n[output cut: ${outcome.outputBytes - keptBytes} more bytes]`;
      outcome.durationMs = performance.now() - started;
      launched.cleanUp();
      resolve(outcome);
    };
    child.on('exit', (code, signal) => {
      exited = true;
      outcome.exitCode = code;
      outcome.signal = signal;
      clearTimeout(timer);
      clearInterval(watchdog);
      // Whatever the test process left behind ends now (in the OS sandbox the kernel has already ended it all).
      if (child.pid !== undefined) outcome.leftoverProcesses = killSandbox(child.pid, marker);
      // The pipes close once every holder is gone; do not wait for ever on a holder that escaped.
      closeBound = setTimeout(() => {
        for (const stream of child.stdio) (stream as { destroy?: () => void } | null)?.destroy?.();
        finish();
      }, 2000);
    });
    child.on('close', finish);
    child.on('error', (error) => {
      outcome.output = `cannot start the test process: ${error.message}`;
      exited = true;
      finish();
    });
  });
}

export function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}

/** Ends every sandbox still running for grading run `runId` (e.g. on Ctrl-C). */
export function killRunSandboxes(runId: string): number {
  return killMarked(RUN_MARKER, runId);
}
