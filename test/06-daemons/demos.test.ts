import assert from 'node:assert/strict';
import { whatOutlivesItsParent } from '../../src/06-daemons/lifetime-demo.js';
import { runShutdownDemo } from '../../src/06-daemons/shutdown-demo.js';
import { runThreeDaemons } from '../../src/06-daemons/three-kinds-demo.js';

describe('unit 06 demos', () => {
  it('what outlives its parent: only the detached child; the non-daemon child kept the parent alive', async () => {
    // graceMs: how long a daemon child has to end after its parent (a bound, not a measurement).
    const { rows, parentLifetimeMs, mainDoneMs } = await whatOutlivesItsParent({ childMs: 800, graceMs: 1000 });
    assert.deepEqual(
      rows.map((row) => [row.what, row.aliveAfterParent]),
      [
        ['daemon Thread', false],
        ['daemon Process', false],
        ['non-daemon Process', false],
        ['detached child_process.spawn', true],
      ],
    );
    assert.ok(parentLifetimeMs >= 800, `the parent lived ${Math.round(parentLifetimeMs)} ms: it waited for its 800 ms non-daemon child`);
    assert.ok(mainDoneMs > 0 && mainDoneMs < parentLifetimeMs);
  });

  it('Ctrl-C in a program with daemons: the coordinator stops them and saves every reading, exit 0', async () => {
    const { lines, exitCode } = await runShutdownDemo({ afterMs: 400, saveEveryMs: 100 });
    assert.equal(exitCode, 0, lines.join('\n'));
    assert.ok(lines.includes('--- SIGINT sent ---'));
    const last = lines.find((line) => line.startsWith('shutdown: saved the rest'));
    const [, saved, produced] = /(\d+) readings on disk, (\d+) produced/.exec(last ?? '') ?? [];
    assert.ok(Number(produced) > 0 && saved === produced, `saved ${saved} of ${produced}`);
    assert.match(lines.at(-1)!, /^shutdown \(SIGINT\) clean in \d+ ms$/);
  });

  it('three kinds around one sensor: each ran, every reading produced was saved, all stopped', async () => {
    // Real time, real files: the counts depend on the machine's speed, so only "each ran" is checked
    // (the daemons' counts and orders are checked exactly, on a manual clock, in periodic and sporadic tests).
    const { timeline, daemons, produced, saved } = await runThreeDaemons({ durationMs: 700, saveEveryMs: 100 });
    const [saver, logger, watcher] = daemons;
    assert.ok(produced > 0 && saved === produced, `saved ${saved} of ${produced}`);
    assert.ok(saver.runs >= 1, `saver runs: ${saver.runs}`);
    assert.ok(logger.runs >= 1, `logger runs: ${logger.runs}`);
    assert.ok(watcher.runs >= 1, `watcher runs: ${watcher.runs}`);
    assert.deepEqual(
      daemons.map((daemon) => daemon.running),
      [false, false, false],
    );
    assert.deepEqual(new Set(timeline.lanes), new Set(['periodic: saver', 'sporadic: logger', 'long-running: watcher']));
  });

  it('names bad parameters', async () => {
    await assert.rejects(whatOutlivesItsParent({ childMs: 0 }), /childMs must be a positive integer, got 0/);
    await assert.rejects(runShutdownDemo({ signal: 'SIGHUP' as 'SIGINT' }), /signal must be "SIGINT" or "SIGTERM"/);
    await assert.rejects(runThreeDaemons({ durationMs: -1 }), /durationMs must be a positive integer, got -1/);
  });
});
