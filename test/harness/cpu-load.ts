/**
 * Load for timing-dependent tests: child processes that spin on every core, so
 * a demo that needs its workers to overlap is tested on a machine that is busy.
 *
 * The spinners are ended by `stop()` (call it in an `after` hook), by an 'exit'
 * handler of this process, and by themselves: each one exits when its parent
 * goes away (its parent pid changes) or after `maxLifetimeMs`, whichever comes
 * first, so not even a SIGKILL of the test run can leave one spinning.
 *
 * They are started without the test run's leftover marker (see no-leftovers.ts):
 * they belong to a whole test file, not to the test that happens to be running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';

const MARKER = 'COURSE_KIT_TEST_RUN';

/** The spinner: busy forever, but it looks up every ~0.1 s whether it should still be running. */
function spinnerSource(maxLifetimeMs: number): string {
  return [
    'const parent = process.ppid;',
    `const end = Date.now() + ${maxLifetimeMs};`,
    'for (let i = 1; ; i++) {',
    '  if ((i & 0xfffff) === 0 && (process.ppid !== parent || Date.now() > end)) process.exit(0);',
    '}',
  ].join('\n');
}

export interface CpuLoad {
  /** The spinners' process ids. */
  readonly pids: number[];
  /** Kills every spinner and waits until each has exited. Safe to call twice. */
  stop(): Promise<void>;
}

export interface CpuLoadOptions {
  /** Spinning processes (default: one per core). */
  spinners?: number;
  /** Each spinner exits by itself after this long (ms, default 180,000). */
  maxLifetimeMs?: number;
}

/** Starts the spinners; resolves once every one of them is running. */
export async function startCpuLoad(options: CpuLoadOptions = {}): Promise<CpuLoad> {
  const count = options.spinners ?? availableParallelism();
  const env = { ...process.env };
  delete env[MARKER];
  const children: ChildProcess[] = [];
  const killAll = (): void => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.on('exit', killAll);
  try {
    for (let i = 0; i < count; i++) {
      const child = spawn(process.execPath, ['-e', spinnerSource(options.maxLifetimeMs ?? 180_000)], {
        env,
        stdio: 'ignore',
      });
      children.push(child);
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
      });
      child.unref();
    }
  } catch (error) {
    killAll();
    process.off('exit', killAll);
    throw error;
  }
  return {
    pids: children.map((child) => child.pid!),
    async stop(): Promise<void> {
      const exits = children.map((child) =>
        child.exitCode !== null || child.signalCode !== null
          ? Promise.resolve()
          : new Promise<void>((resolve) => child.once('exit', () => resolve())),
      );
      killAll();
      await Promise.all(exits);
      process.off('exit', killAll);
    },
  };
}
