/**
 * Ctrl-C, shown safely: runs programs/saver in a child process (a notebook
 * must not send SIGINT to its own kernel), sends it a signal after `afterMs`,
 * and returns what it printed, its exit code and how long it took to stop.
 */
import { spawn } from 'node:child_process';
import { compiledEntry } from '../paths.js';
import { checkPositiveInteger } from '../runtime/validate.js';

export interface ShutdownDemoResult {
  lines: string[];
  exitCode: number | null;
  /** From the signal to the exit. */
  stopMs: number;
}

export async function runShutdownDemo(
  options: { afterMs?: number; signal?: 'SIGINT' | 'SIGTERM'; saveEveryMs?: number } = {},
): Promise<ShutdownDemoResult> {
  const afterMs = checkPositiveInteger(options.afterMs ?? 1000, 'afterMs');
  const saveEveryMs = checkPositiveInteger(options.saveEveryMs ?? 300, 'saveEveryMs');
  const signal = options.signal ?? 'SIGINT';
  if (signal !== 'SIGINT' && signal !== 'SIGTERM') throw new TypeError(`signal must be "SIGINT" or "SIGTERM", got ${String(signal)}`);
  const child = spawn(process.execPath, [compiledEntry('06-daemons/programs/saver.ts'), String(saveEveryMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  let text = '';
  let signalledAt = 0;
  let timer: NodeJS.Timeout | undefined;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk;
    const parts = text.split('\n');
    text = parts.pop()!;
    for (const line of parts) {
      if (line === 'ready') {
        timer = setTimeout(() => {
          lines.push(`--- ${signal} sent ---`);
          signalledAt = performance.now();
          child.kill(signal);
        }, afterMs);
      } else lines.push(line);
    }
  });
  const guard = setTimeout(() => child.kill('SIGKILL'), afterMs + 15_000);
  try {
    const exitCode = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return { lines, exitCode, stopMs: signalledAt ? performance.now() - signalledAt : 0 };
  } finally {
    clearTimeout(timer);
    clearTimeout(guard);
  }
}
