import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from '../../src/01-threads-vs-async/async-tools.js';
import { longRunning, watchPath, type PathChange } from '../../src/06-daemons/long-running.js';

describe('long-running daemon', () => {
  it('runs one task until stopped, and stop() waits for it to return', async () => {
    let cleanedUp = false;
    const daemon = longRunning(async (signal) => {
      while (!signal.aborted) await sleep(10).catch(() => {});
      cleanedUp = true;
    });
    await sleep(30);
    assert.equal(daemon.running, true);
    await daemon.stop();
    assert.equal(cleanedUp, true);
    assert.equal(daemon.running, false);
  });

  it('watchPath reports changes to a folder until stopped', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'watch-'));
    const changes: PathChange[] = [];
    const watcher = watchPath(folder, (change) => void changes.push(change));
    try {
      await sleep(50);
      await writeFile(join(folder, 'data.txt'), 'hello');
      for (let i = 0; i < 50 && changes.length === 0; i++) await sleep(10);
      assert.ok(
        changes.some((change) => change.filename === 'data.txt'),
        JSON.stringify(changes),
      );
      assert.equal(watcher.runs, changes.length, 'each change handled is one run');
    } finally {
      await watcher.stop();
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('keeps the task error', async () => {
    const daemon = longRunning(async () => {
      throw new Error('resource gone');
    });
    await daemon.done;
    assert.match(String(daemon.error), /resource gone/);
    assert.throws(() => watchPath('', () => {}), /path must be a non-empty string/);
  });
});
