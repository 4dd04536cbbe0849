/**
 * What dies with its parent? (seed 001: "when the parent ends, all its daemon
 * children end; a non-daemon child keeps the main program from ending".)
 *
 * Runs programs/parent-with-children in a child process (never in the notebook
 * kernel: the kernel must not exit), waits for it to exit, then checks which of
 * the helpers it started are still alive. Survivors are killed afterwards.
 */
import { spawn } from 'node:child_process';
import { compiledEntry } from '../paths.js';
import { isRunning } from '../engine/process-tree.js';
import { checkPositiveInteger } from '../engine/validate.js';

export interface LifetimeRow {
  what: string;
  /** Its Python counterpart. */
  python: string;
  pid: number;
  /** Still running after the parent exited (checked after a short grace period). */
  aliveAfterParent: boolean;
}

export interface LifetimeResult {
  rows: LifetimeRow[];
  /** From start to the parent's exit: how long the non-daemon child kept it alive. */
  parentLifetimeMs: number;
  /** When the parent's main code had nothing left to do. */
  mainDoneMs: number;
}

const PYTHON: Record<string, string> = {
  'daemon Thread': 'Thread(daemon=True)',
  'daemon Process': 'Process(daemon=True)',
  'non-daemon Process': 'Process()',
  'detached child_process.spawn': 'subprocess.Popen(start_new_session=True)',
};

export async function whatOutlivesItsParent(options: { childMs?: number; graceMs?: number } = {}): Promise<LifetimeResult> {
  const childMs = checkPositiveInteger(options.childMs ?? 600, 'childMs');
  const graceMs = checkPositiveInteger(options.graceMs ?? 300, 'graceMs');
  const started = performance.now();
  const parent = spawn(process.execPath, [compiledEntry('06-daemons/programs/parent-with-children.ts'), String(childMs)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const reported: { what: string; pid: number }[] = [];
  let mainDoneMs = 0;
  let text = '';
  parent.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk;
    const lines = text.split('\n');
    text = lines.pop()!;
    for (const line of lines) {
      const message = JSON.parse(line) as { what?: string; pid?: number; mainDone?: boolean };
      if (message.mainDone) mainDoneMs = performance.now() - started;
      else reported.push({ what: message.what!, pid: message.pid! });
    }
  });
  const guard = setTimeout(() => parent.kill('SIGKILL'), 30_000);
  try {
    await new Promise((resolve) => parent.once('exit', resolve));
  } finally {
    clearTimeout(guard);
  }
  const parentLifetimeMs = performance.now() - started;
  await new Promise((resolve) => setTimeout(resolve, graceMs));
  const rows = reported.map(({ what, pid }) => ({ what, python: PYTHON[what] ?? '', pid, aliveAfterParent: isRunning(pid) }));
  // Clean up what survived (that is the point of the demo, but not of the course).
  for (const row of rows) if (row.aliveAfterParent && row.pid !== parent.pid) process.kill(row.pid, 'SIGKILL');
  return { rows, parentLifetimeMs, mainDoneMs };
}
