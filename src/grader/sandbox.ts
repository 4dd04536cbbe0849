/**
 * Runs one compiled test file in a child process that cannot take the grader
 * down with it:
 *
 * - its own process group (`detached`), so on expiry the whole tree is killed
 *   at once: `process.kill(-pid, 'SIGKILL')`, then any straggler (process-tree.ts);
 * - a hard time bound, a heap cap (`--max-old-space-size`) and a watchdog that
 *   polls the tree's resident memory, threads and processes;
 * - Node's permission model: it may read files, write only in its own folder,
 *   and start workers or child processes only when the exercise needs them;
 * - a small environment (no tokens or secrets of the grader's), HOME and
 *   TMPDIR in its folder;
 * - output captured up to a cap; past a hard limit the run is stopped.
 *
 * The outcome is raw (events, exit, why it was stopped); grade.ts turns it
 * into a result.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { join, sep } from 'node:path';
import { compiledEntry, distRoot, kitRoot } from '../paths.js';
import { killMarked, killSandbox, processTree } from '../runtime/process-tree.js';
import type { RunnerEvent } from './protocol.js';

export interface SandboxLimits {
  /** Hard bound on the whole run, in ms. */
  timeLimitMs: number;
  /** Heap cap of the process and of each of its workers, in MB. */
  memoryMb: number;
  /** Most resident memory of the whole tree, in MB (default: 2 x memoryMb + 128). */
  rssLimitMb?: number;
  allowWorkers: boolean;
  allowChildProcesses: boolean;
  /**
   * Whether native addons may load. Off by default: with it on, code could load
   * a native library it wrote itself. Needed by `import 'course-kit'` (its
   * charts use @napi-rs/canvas); grade.ts turns it on only for such code.
   */
  allowAddons?: boolean;
  /** Read anywhere (`--allow-fs-read=*`) instead of only the work folder and the kit's dist/ and node_modules/. */
  readAnywhere?: boolean;
  /** Most threads in the whole tree (default 64; a bare Node process has about 10, each worker adds one or two). */
  maxThreads?: number;
  /** Most processes in the tree (default 32). */
  maxProcesses?: number;
  /** Output kept for the report (default 64 KB). */
  outputCapBytes?: number;
  /** Output that stops the run (default 1 MB). */
  outputLimitBytes?: number;
}

export type StopReason = 'timeout' | 'memory' | 'threads' | 'processes' | 'output' | 'cancelled';

export interface SandboxOutcome {
  events: RunnerEvent[];
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
  /** The folder holding the compiled files; the only place the run may write. */
  workDir: string;
  /** The compiled test file (absolute path). */
  testFile: string;
  limits: SandboxLimits;
  /** Per-test mocha timeout in ms (default: the time limit). */
  testTimeoutMs?: number;
  /** Marks every sandbox of one grading run, so all can be found and ended (e.g. on Ctrl-C). */
  runId?: string;
  signal?: AbortSignal;
}

export const SANDBOX_MARKER = 'COURSE_GRADER_SANDBOX';
export const RUN_MARKER = 'COURSE_GRADER_RUN';
const WATCH_EVERY_MS = 100;
const REPORT_CAP_BYTES = 4 * 1024 * 1024;

/** The environment the code under test sees: nothing of the grader's but what Node needs. */
function sandboxEnvironment(workDir: string, sandboxId: string, runId: string | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    HOME: workDir,
    TMPDIR: workDir,
    NODE_ENV: 'test',
    NO_COLOR: '1',
    [SANDBOX_MARKER]: sandboxId,
  };
  if (runId) env[RUN_MARKER] = runId;
  // PATH and locale for ordinary behaviour; the test suite's marker so its leak check sees sandboxes too.
  for (const key of ['PATH', 'LANG', 'LC_ALL', 'TZ', 'COURSE_KIT_TEST_RUN']) {
    if (process.env[key] !== undefined) env[key] = process.env[key];
  }
  return env;
}

/** Node's flags for the run. The permission model is "experimental" in Node 20 (`--permission` from 22). */
function nodeArguments(run: SandboxRun): string[] {
  const { limits } = run;
  const permission = Number(process.versions.node.split('.')[0]) >= 22 ? '--permission' : '--experimental-permission';
  // One flag per path: Node 20.20 no longer takes a comma-separated list.
  const readable = limits.readAnywhere ? ['*'] : readablePaths(run.workDir);
  const args = [
    permission,
    ...readable.map((path) => `--allow-fs-read=${path}`),
    `--allow-fs-write=${run.workDir}`,
    `--max-old-space-size=${Math.max(16, Math.round(limits.memoryMb))}`,
    '--disable-warning=ExperimentalWarning',
    '--disable-warning=SecurityWarning',
    '--enable-source-maps',
  ];
  if (limits.allowWorkers) args.push('--allow-worker');
  if (limits.allowChildProcesses) args.push('--allow-child-process');
  if (limits.allowAddons) args.push('--allow-addons');
  return args;
}

/**
 * What the code under test may read: its own folder, the packages, the kit's
 * compiled library (for `import 'course-kit'`), its package.json and its own
 * /proc entries. Not the solutions, not other students' submissions, not the
 * rest of the disk.
 */
function readablePaths(workDir: string): string[] {
  // /proc/self: the process's own status (tests count their threads there); not other processes'.
  return [workDir, ...packageFolders(), distRoot, join(kitRoot, 'package.json'), '/proc/self', '/proc/thread-self'];
}

let packageFoldersFound: string[] | undefined;

/**
 * The kit's node_modules/ and, for packages linked from elsewhere (npm link,
 * pnpm), their real folders. Not the kit itself, which `course-kit` links to:
 * its dist/ and package.json are allowed on their own.
 */
function packageFolders(): string[] {
  if (packageFoldersFound) return packageFoldersFound;
  const modules = join(kitRoot, 'node_modules');
  if (!existsSync(modules)) return (packageFoldersFound = []);
  const root = realpathSync(modules);
  const kit = realpathSync(kitRoot);
  const found = new Set([root]);
  const entries = readdirSync(modules).flatMap((name) =>
    name.startsWith('@') ? readdirSync(join(modules, name)).map((inner) => join(modules, name, inner)) : [join(modules, name)],
  );
  for (const entry of entries) {
    let real: string;
    try {
      real = realpathSync(entry);
    } catch {
      continue; // a dangling link
    }
    if (real !== kit && !real.startsWith(root + sep)) found.add(real);
  }
  return (packageFoldersFound = [...found]);
}

const MB = 1024 * 1024;

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

  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        ...nodeArguments(run),
        compiledEntry('grader/sandbox-runner.ts'),
        run.testFile,
        String(run.testTimeoutMs ?? limits.timeLimitMs),
        String(outputLimit),
      ],
      {
        cwd: run.workDir,
        env: sandboxEnvironment(run.workDir, sandboxId, run.runId),
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      },
    );
    const outcome: SandboxOutcome = {
      events: [],
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

    // Output still being read after the exit counts too (the process may write faster than we read).
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
      if (outcome.outputBytes > outputLimit) {
        stop('output', `printed more than ${Math.round(outputLimit / 1024)} KB of output`);
      }
    };
    child.stdout!.on('data', onOutput);
    child.stderr!.on('data', onOutput);

    let pending = '';
    let reportBytes = 0;
    const reports = child.stdio[3] as NodeJS.ReadableStream;
    reports.on('data', (chunk: Buffer) => {
      reportBytes += chunk.length;
      if (reportBytes > REPORT_CAP_BYTES) {
        stop('output', 'wrote too much to the grader report channel');
        return;
      }
      pending += chunk.toString('utf8');
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        try {
          outcome.events.push(JSON.parse(line) as RunnerEvent);
        } catch {
          // Not ours (the code under test wrote to fd 3): ignore.
        }
      }
    });

    const timer = setTimeout(() => stop('timeout', `timed out after ${formatSeconds(limits.timeLimitMs)}`), limits.timeLimitMs);
    const watchdog = setInterval(() => {
      if (child.pid === undefined || exited) return;
      const tree = processTree(child.pid);
      const rss = tree.reduce((sum, info) => sum + info.rssBytes, 0);
      const threads = tree.reduce((sum, info) => sum + info.threads, 0);
      if (rss > rssLimitBytes) {
        stop('memory', `used more than ${Math.round(rssLimitBytes / MB)} MB of memory (${Math.round(rss / MB)} MB resident)`);
      } else if (threads > maxThreads) {
        stop('threads', `started too many threads (${threads}, the limit is ${maxThreads}): are workers started in a loop and never ended?`);
      } else if (tree.length > maxProcesses) {
        stop('processes', `started too many processes (${tree.length}, the limit is ${maxProcesses})`);
      }
    }, WATCH_EVERY_MS);
    const onAbort = () => stop('cancelled', 'cancelled');
    run.signal?.addEventListener('abort', onAbort, { once: true });
    if (run.signal?.aborted) onAbort();

    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      clearInterval(watchdog);
      clearTimeout(closeBound);
      run.signal?.removeEventListener('abort', onAbort);
      outcome.output = Buffer.concat(kept).toString('utf8');
      if (outcome.outputBytes > keptBytes) {
        outcome.output += `\n[output cut: ${outcome.outputBytes - keptBytes} more bytes]`;
      }
      outcome.durationMs = performance.now() - started;
      resolve(outcome);
    };
    let closeBound: NodeJS.Timeout | undefined;
    child.on('exit', (code, signal) => {
      exited = true;
      outcome.exitCode = code;
      outcome.signal = signal;
      clearTimeout(timer);
      clearInterval(watchdog);
      // Whatever the test process left behind (a detached child, a grandchild) ends now.
      if (child.pid !== undefined) outcome.leftoverProcesses = killSandbox(child.pid, marker);
      // The pipes close once every holder is gone; do not wait for ever on a holder that escaped.
      closeBound = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        (child.stdio[3] as NodeJS.ReadableStream & { destroy(): void } | null)?.destroy();
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
