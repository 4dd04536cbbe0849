/**
 * One way to load the library, everywhere: the compiled package `course-kit`
 * works from plain Node on the command line, imported as an ES module and
 * required as CommonJS (which is how tslab loads it in a notebook cell), and the
 * threads and child processes it starts run the same compiled code. (Tests load
 * src/ through tsx; notebooks are covered by test/notebooks.test.ts.)
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { kitRoot } from '../../src/paths.js';

const run = promisify(execFile);

/** Starts a Thread and a Process through the package and prints what they return. */
const program = (load: string): string => `
${load}
(async () => {
  const thread = new kit.Thread({ target: (n) => n * n, args: [12] });
  thread.start();
  const child = new kit.Process({ target: () => process.ppid });
  child.start();
  console.log(JSON.stringify({ square: await thread.join(), parentSeenByChild: await child.join(), me: process.pid }));
})();
`;

async function runNode(args: string[]): Promise<{ square: number; parentSeenByChild: number; me: number }> {
  // Plain node, no loader: 'course-kit' resolves through the node_modules/course-kit link the build makes.
  const { stdout } = await run(process.execPath, args, { cwd: kitRoot, env: { ...process.env, NODE_OPTIONS: '' } });
  return JSON.parse(stdout.trim());
}

describe('loading the kit as a package from plain Node', () => {
  it('as an ES module (import): a thread and a child process answer', async () => {
    const answer = await runNode(['--input-type=module', '-e', program("const kit = await import('course-kit');")]);
    assert.equal(answer.square, 144);
    assert.equal(answer.parentSeenByChild, answer.me);
  });

  it('as CommonJS (require, as tslab compiles notebook cells): a thread and a child process answer', async () => {
    const answer = await runNode(['--input-type=commonjs', '-e', program("const kit = require('course-kit');")]);
    assert.equal(answer.square, 144);
    assert.equal(answer.parentSeenByChild, answer.me);
  });
});
