/**
 * The monitor's command-line program, run from a notebook: in a child process,
 * so that the Ctrl-C it receives (SIGINT, sent after `afterMs`) is not the
 * notebook kernel's.
 */
import { compiledEntry } from '../paths.js';
import { runProgram, type ProgramRun } from '../engine/run-program.js';

export function runMonitorProgram(
  args: readonly string[],
  options: { signal?: 'SIGINT' | 'SIGTERM'; afterMs?: number } = {},
): Promise<ProgramRun> {
  return runProgram(compiledEntry('09-system-monitor/cli.ts'), args, {
    signal: options.signal,
    whenLine: options.signal ? /^=== Monitoring system started ===$/ : undefined,
    afterMs: options.afterMs ?? 2000,
    timeoutMs: 60_000,
  });
}
