import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { longRunning, watchPath, type PathChange } from '../../src/06-daemons/long-running.js';

describe('long-running daemon', function () {
  this.timeout(5000);

  it('runs one task until stopped, and stop() waits for it to return', async () => {
    const events: string[] = [];
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const daemon = longRunning(async (signal, beat) => {
      events.push('task started');
      beat();
      started();
      await once(signal, 'abort');
      events.push('asked to stop');
      await new Promise((resolve) => setImmediate(resolve)); // cleaning up takes a turn of the event loop
      events.push('cleaned up');
    });
    try {
      await running;
      assert.equal(daemon.running, true);
      assert.equal(daemon.runs, 1);
    } finally {
      await daemon.stop().then(() => void events.push('stop() resolved'));
    }
    assert.deepEqual(events, ['task started', 'asked to stop', 'cleaned up', 'stop() resolved']);
    assert.equal(daemon.running, false);
    assert.equal(daemon.error, undefined);
  });

  it('watchPath reports a change made right after it starts, and each change handled is one run', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'watch-'));
    const changes: PathChange[] = [];
    let sawFile!: () => void;
    const seen = new Promise<void>((resolve) => (sawFile = resolve));
    // The watch is in place when watchPath returns: no change after that is missed.
    const watcher = watchPath(folder, (change) => {
      changes.push(change);
      if (change.filename === 'data.txt') sawFile();
    });
    try {
      await writeFile(join(folder, 'data.txt'), 'hello');
      await seen; // bounded by the test's timeout
    } finally {
      await watcher.stop();
      await rm(folder, { recursive: true, force: true });
    }
    assert.equal(watcher.runs, changes.length, 'each change handled is one run');
    assert.equal(watcher.running, false);
  });

  it('keeps the task error', async () => {
    const daemon = longRunning(async () => {
      throw new Error('resource gone');
    });
    await daemon.done;
    assert.match(String(daemon.error), /resource gone/);
    assert.equal(daemon.running, false);
    assert.throws(() => watchPath('', () => {}), /path must be a non-empty string/);
  });
});
