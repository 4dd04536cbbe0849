/**
 * The process a KernelClient starts: tslab's kernel, plus a guard so that it
 * never outlives the program that started it. The kernel runs in its own
 * process group (so everything a notebook starts can be ended with it); when
 * its parent dies in any way (even SIGKILL, when no exit handler runs), the pipe
 * on its stdin closes and the whole group is ended.
 *
 * Usage: node kernel-process.js <connection file>
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseCommandLine, runCommand, UsageError } from '../engine/command-line.js';
import { kitRoot } from '../paths.js';

const usage = 'usage: kernel-process.js <connection file>';

function startGuardedKernel(argv: readonly string[]): void {
  const { positionals } = parseCommandLine(argv, { usage, allowPositionals: true, options: {} });
  if (positionals.length !== 1) throw new UsageError(`expected one connection file, got ${positionals.length}; ${usage}`);

  process.stdin.on('end', () => process.kill(-process.pid, 'SIGKILL'));
  process.stdin.resume();

  const requireFromKit = createRequire(join(kitRoot, 'package.json'));
  const { startKernel } = requireFromKit('tslab/dist/main.js') as {
    startKernel: (options: { configPath: string; enableFindLocal: boolean; jsKernel: boolean; globalVersion: string }) => void;
  };
  startKernel({ configPath: positionals[0], enableFindLocal: false, jsKernel: false, globalVersion: '' });
}

await runCommand(() => startGuardedKernel(process.argv.slice(2)));
