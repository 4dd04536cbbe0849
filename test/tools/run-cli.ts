/**
 * Shared by the tests of the kit's command-line programs: run one (compiled, in
 * dist/) to its end and check how it refuses a bad command line.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node <entry> ...args` to its end; past `timeoutMs` (default 20 s) it is killed, so nothing outlives a failed test. */
export function runCli(
  entry: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [entry, ...args],
      { env: options.env ?? process.env, timeout: options.timeoutMs ?? 20_000, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The program refused its command line: exit code 2, nothing on stdout, and one line on stderr that matches `message`. */
export function assertUsageError(run: CliRun, message: RegExp): void {
  assert.equal(run.code, 2, `exit code (stderr: ${run.stderr})`);
  assert.equal(run.stdout, '', 'nothing on stdout');
  assert.equal(run.stderr.trimEnd().split('\n').length, 1, `one line on stderr:\n${run.stderr}`);
  assert.match(run.stderr.trimEnd(), message);
}
