/**
 * Daemon-ness: a daemon does not keep its program alive; with `keepAlive` it
 * does, until it stops. Each case is a fresh Node program that says, as it
 * exits, how far each daemon got. Nothing in it keeps the program alive but
 * the daemons (its own timers are unref'ed), so the counts are exact.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { kitRoot } from '../../src/paths.js';

const PROGRAM = `
import { EventEmitter } from 'node:events';
import { longRunning, periodic, sporadic } from 'course-kit/06-daemons';

const keepAlive = process.argv[1] === 'keepAlive';
const later = (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref());
const bus = new EventEmitter();
const daemons = [
  periodic(() => void (daemons[0].runs === 2 && daemons[0].stop()), { intervalMs: 10, keepAlive }),
  sporadic(() => void daemons[1].stop(), { on: [bus, 'event'], keepAlive }),
  longRunning(async (_signal, beat) => void (await later(30), beat()), { keepAlive }),
];
void later(20).then(() => bus.emit('event'));
process.on('exit', () => console.log(daemons.map((d) => d.kind + ': ' + d.runs + ' runs, ' + (d.running ? 'running' : 'stopped')).join('\\n')));
`;

async function runProgram(mode: string): Promise<{ lines: string[]; code: number | null }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', PROGRAM, mode], {
    cwd: kitRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const guard = setTimeout(() => child.kill('SIGKILL'), 10_000); // a program kept alive for good is ended here
  try {
    const [code] = (await once(child, 'close')) as [number | null];
    return { lines: out.trim().split('\n'), code };
  } finally {
    clearTimeout(guard);
  }
}

describe('daemons and the life of their program', function () {
  this.timeout(15_000);

  it('a daemon does not keep its program alive: it ends with its main code, before any run', async () => {
    const { lines, code } = await runProgram('daemon');
    assert.equal(code, 0, lines.join('\n'));
    assert.deepEqual(lines, ['periodic: 0 runs, running', 'sporadic: 0 runs, running', 'long-running: 0 runs, running']);
  });

  it('with keepAlive each kind keeps it alive until it stops', async () => {
    const { lines, code } = await runProgram('keepAlive');
    assert.equal(code, 0, lines.join('\n'));
    assert.deepEqual(lines, ['periodic: 3 runs, stopped', 'sporadic: 1 runs, stopped', 'long-running: 1 runs, stopped']);
  });
});
