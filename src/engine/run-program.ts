/**
 * Runs one of the kit's programs in a child process and, optionally, sends it
 * a signal once it has printed a given line or after a delay: how notebooks
 * show Ctrl-C without interrupting their own kernel (the kernel is the process
 * a notebook runs in). Always time-bounded: past `timeoutMs` the child is
 * killed.
 */
import { spawn } from 'node:child_process';
import { checkPositiveInteger, checkWaitTimeout } from './validate.js';

export interface RunProgramOptions {
  /** Signal to send (default none: wait for the program to end by itself). */
  signal?: NodeJS.Signals;
  /** Send it when a line of stdout matches (checked before `afterMs` starts counting). */
  whenLine?: RegExp;
  /** ... and this many ms after that line (or after start, without `whenLine`). Default 0. */
  afterMs?: number;
  /** Hard bound on the whole run (default 30 s). */
  timeoutMs?: number;
}

export interface ProgramRun {
  /** stdout lines, with a marker line where the signal was sent. */
  lines: string[];
  stderr: string;
  exitCode: number | null;
  /** From the signal to the exit (0 without a signal). */
  stopMs: number;
}

export async function runProgram(file: string, args: readonly string[] = [], options: RunProgramOptions = {}): Promise<ProgramRun> {
  const afterMs = checkWaitTimeout(options.afterMs ?? 0, 'afterMs')!;
  const timeoutMs = checkPositiveInteger(options.timeoutMs ?? 30_000, 'timeoutMs');
  const child = spawn(process.execPath, [file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  let partial = '';
  let signaledAt = 0;
  let timer: NodeJS.Timeout | undefined;
  const sendSignal = () => {
    if (!options.signal || timer) return;
    timer = setTimeout(() => {
      lines.push(`--- ${options.signal} sent ---`);
      signaledAt = performance.now();
      child.kill(options.signal);
    }, afterMs);
  };
  if (!options.whenLine) sendSignal();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    partial += chunk;
    const parts = partial.split('\n');
    partial = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      if (options.whenLine?.test(line)) sendSignal();
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const guard = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  try {
    const exitCode = await new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    if (partial) lines.push(partial);
    return { lines, stderr, exitCode, stopMs: signaledAt ? performance.now() - signaledAt : 0 };
  } finally {
    clearTimeout(timer);
    clearTimeout(guard);
  }
}
