import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { compiledEntry } from '../../src/paths.js';
import { assertUsageError } from '../tools/run-cli.js';

const cli = compiledEntry('09-system-monitor/cli.ts');

interface Run {
  stdout: string;
  stderr: string;
  code: number | null;
  /** ms from the signal to the exit. */
  afterSignalMs: number;
}

/** Runs the monitor; with `signal`, sends it once `readingsBeforeSignal` JSON readings arrived. */
async function runCli(args: string[], signal?: NodeJS.Signals, readingsBeforeSignal = 15): Promise<Run> {
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let signalledAt = 0;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (signal && !signalledAt && stdout.split('\n').filter((line) => line.includes('"type":"reading"')).length >= readingsBeforeSignal) {
      signalledAt = performance.now();
      child.kill(signal);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
  try {
    const [code] = await once(child, 'exit');
    return { stdout, stderr, code, afterSignalMs: signalledAt ? performance.now() - signalledAt : 0 };
  } finally {
    clearTimeout(guard);
  }
}

interface JsonReading {
  type: 'reading';
  sensor: string;
  seq: number;
}
interface JsonSummary {
  type: 'summary';
  reason: string;
  sensors: { sensor: string; taken: number; analysed: number }[];
}

function parse(stdout: string): { readings: JsonReading[]; summary: JsonSummary } {
  const objects = stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as JsonReading | JsonSummary);
  const summary = objects.at(-1) as JsonSummary;
  assert.equal(summary.type, 'summary', 'the last line is the summary');
  return { readings: objects.filter((object): object is JsonReading => object.type === 'reading'), summary };
}

/** Every reading taken was analysed and printed exactly once, numbered 1..taken per sensor. */
function assertExactlyOnce({ readings, summary }: ReturnType<typeof parse>): void {
  for (const row of summary.sensors) {
    assert.equal(row.analysed, row.taken, `${row.sensor}: taken ${row.taken}, analysed ${row.analysed}`);
    const seqs = readings
      .filter((r) => r.sensor === row.sensor)
      .map((r) => r.seq)
      .sort((a, b) => a - b);
    assert.deepEqual(
      seqs,
      Array.from({ length: row.taken }, (_, i) => i + 1),
      `${row.sensor}'s readings`,
    );
  }
}

describe('npm run monitor', () => {
  const fast = ['--json', '--interval', '15ms', '--sensors', 'simulated,memory,load,cpu'];

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} mid-stream: drains, prints the summary, exits 0 within 2 s, every reading analysed once (process pool)`, async () => {
      const run = await runCli(fast, signal);
      assert.equal(run.code, 0, run.stderr);
      assert.ok(run.afterSignalMs < 2000, `exited ${Math.round(run.afterSignalMs)} ms after ${signal}`);
      assert.match(run.stderr, /Stopping the system early\.\.\.[\s\S]*System stopped cleanly/);
      const parsed = parse(run.stdout);
      assert.equal(parsed.summary.reason, 'stopped');
      assert.ok(parsed.readings.length >= 15);
      assertExactlyOnce(parsed);
    });
  }

  it("--count stops by itself with the seed's messages and a summary (text view, no colour when piped)", async () => {
    const run = await runCli(['--count', '3', '--interval', '20ms', '--sensors', 'simulated,temperature', '--pool', 'threads']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^=== Monitoring system started ===\n3 readings per sensor/);
    assert.match(run.stdout, /simulated \(simulated\)\s+\[[#-]{20}\]\s+\d+\.\d% {2}(NORMAL|ALERT)/);
    assert.doesNotMatch(run.stdout, /\u001b\[/, 'no colour codes when stdout is not a terminal');
    assert.match(run.stdout, /All sensors have taken their 3 readings\nStopping the system\.\.\.\n[\s\S]*System stopped cleanly\n$/);
  });

  it('a bad option: one line on stderr naming it, exit code 2, nothing started', async () => {
    for (const [args, message] of [
      [['--sensors', 'gpu'], /^monitor: --sensors: unknown sensor "gpu"/],
      [['--interval', '0'], /^monitor: --interval must be more than 0/],
      [['--threshold', '120'], /^monitor: --threshold must be a number from 0 to 100/],
      [['--duration', 'later'], /^monitor: --duration must be a duration like/],
      [['--count', 'x'], /^monitor: --count must be a whole number above 0, got "x"$/],
      [['--colour'], /^monitor: unknown option --colour; usage: npm run monitor -- \[--interval 1s\]/],
    ] as const) {
      assertUsageError(await runCli([...args]), message);
    }
  });
});
