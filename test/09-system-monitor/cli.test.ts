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
  let signaledAt = 0;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (signal && !signaledAt && stdout.split('\n').filter((line) => line.includes('"type":"reading"')).length >= readingsBeforeSignal) {
      signaledAt = performance.now();
      child.kill(signal);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
  try {
    const [code] = await once(child, 'exit');
    return { stdout, stderr, code, afterSignalMs: signaledAt ? performance.now() - signaledAt : 0 };
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
  sensors: { sensor: string; taken: number; analyzed: number }[];
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

/** Every reading taken was analyzed and printed exactly once, numbered 1..taken per sensor. */
function assertExactlyOnce({ readings, summary }: ReturnType<typeof parse>): void {
  for (const row of summary.sensors) {
    assert.equal(row.analyzed, row.taken, `${row.sensor}: taken ${row.taken}, analyzed ${row.analyzed}`);
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
    it(`${signal} mid-stream: drains, prints the summary, exits 0 within 2 s, every reading analyzed once (process pool)`, async () => {
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

  it("--count stops by itself with the seed's messages and a summary (text view, no color when piped)", async () => {
    const run = await runCli(['--count', '3', '--interval', '20ms', '--sensors', 'simulated,temperature', '--pool', 'threads']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^=== Monitoring system started ===\n3 readings per sensor/);
    assert.match(run.stdout, /simulated \(simulated\)\s+\[[#-]{20}\]\s+\d+\.\d% {2}(NORMAL|ALERT)/);
    assert.doesNotMatch(run.stdout, /\u001b\[/, 'no color codes when stdout is not a terminal');
    assert.match(run.stdout, /All sensors have taken their 3 readings\nStopping the system\.\.\.\n[\s\S]*System stopped cleanly\n$/);
  });

  it("--seed-profile prints the seed's run: two lines per reading, the seed's messages, every sensor's end marker", async () => {
    const run = await runCli(['--seed-profile', '--count', '1', '--pool', 'threads']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /^=== Monitoring system started ===\n1 readings per sensor \(cpu every 1\.5 s, memory every 2 s, temperature every 1\.8 s\)/,
    );
    // Each reading, then its verdict on a line of its own (the order of readings taken at once
    // depends on how long each real sensor takes to read).
    for (const sensor of ['cpu', 'memory', 'temperature']) {
      const line = new RegExp(`\\d\\d:\\d\\d:\\d\\d \\| ${sensor.padEnd(12)} [^\\n]+\\n${sensor}: (NORMAL|ALERT|N/A)\\n`);
      assert.match(run.stdout, line);
    }
    assert.match(run.stdout, /All sensors have taken their 1 readings\nStopping the system\.\.\./);
    assert.match(
      run.stdout,
      /end markers taken: 3; get\(timeout=1 s\) came back empty \d+ times\nanalyses in flight at once, at most: 1\n/,
    );
  });

  it('a bad option: one line on stderr naming it, exit code 2, nothing started', async () => {
    for (const [args, message] of [
      [['--sensors', 'gpu'], /^monitor: --sensors: unknown sensor "gpu"/],
      [['--interval', '0'], /^monitor: --interval must be more than 0/],
      [['--threshold', '120'], /^monitor: --threshold must be a number from 0 to 100/],
      [['--duration', 'later'], /^monitor: --duration must be a duration like/],
      [['--count', 'x'], /^monitor: --count must be a whole number above 0, got "x"$/],
      [['--color'], /^monitor: unknown option --color; usage: npm run monitor -- \[--interval 1s\]/],
      [['--seed-profile', '--interval', '1s'], /^monitor: --seed-profile cannot be used with --interval/],
    ] as const) {
      assertUsageError(await runCli([...args]), message);
    }
  });
});
