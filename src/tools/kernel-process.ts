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
import { kitRoot } from '../paths.js';

const connectionFile = process.argv[2];
if (!connectionFile) {
  console.error('usage: kernel-process.js <connection file>');
  process.exit(2);
}

process.stdin.on('end', () => process.kill(-process.pid, 'SIGKILL'));
process.stdin.resume();

const requireFromKit = createRequire(join(kitRoot, 'package.json'));
const { startKernel } = requireFromKit('tslab/dist/main.js') as {
  startKernel: (options: { configPath: string; enableFindLocal: boolean; jsKernel: boolean; globalVersion: string }) => void;
};
startKernel({ configPath: connectionFile, enableFindLocal: false, jsKernel: false, globalVersion: '' });
