/**
 * Ctrl-C, shown safely: runs programs/saver in a child process (a notebook
 * must not send SIGINT to its own kernel), sends it a signal `afterMs` after it
 * is ready, and returns what it printed, its exit code and how long it took to stop.
 */
import { compiledEntry } from '../paths.js';
import { runProgram, type ProgramRun } from '../engine/run-program.js';
import { checkPositiveInteger } from '../engine/validate.js';

export type ShutdownDemoResult = ProgramRun;

export async function runShutdownDemo(
  options: { afterMs?: number; signal?: 'SIGINT' | 'SIGTERM'; saveEveryMs?: number } = {},
): Promise<ShutdownDemoResult> {
  const afterMs = checkPositiveInteger(options.afterMs ?? 1000, 'afterMs');
  const saveEveryMs = checkPositiveInteger(options.saveEveryMs ?? 300, 'saveEveryMs');
  const signal = options.signal ?? 'SIGINT';
  if (signal !== 'SIGINT' && signal !== 'SIGTERM') throw new TypeError(`signal must be "SIGINT" or "SIGTERM", got ${String(signal)}`);
  const run = await runProgram(compiledEntry('06-daemons/programs/saver.ts'), [String(saveEveryMs)], {
    signal,
    whenLine: /^ready$/,
    afterMs,
    timeoutMs: afterMs + 15_000,
  });
  return { ...run, lines: run.lines.filter((line) => line !== 'ready') };
}
