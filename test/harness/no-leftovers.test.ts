import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

describe('the no-leftovers harness', function () {
  this.timeout(60_000);

  it('fails each test that leaves a process, a worker or a timer behind, and kills the process', async () => {
    const mocha = [
      '--import',
      'tsx',
      'node_modules/mocha/bin/mocha.js',
      '--no-config',
      '--require',
      'test/harness/no-leftovers.ts',
      '--extension',
      'ts',
      '--exit',
      '--timeout',
      '30000',
      '--reporter',
      'dot',
      'test/fixtures/harness/leaky.fixture.ts',
    ];
    const result = await promisify(execFile)(process.execPath, mocha, {
      env: { ...process.env, COURSE_KIT_TEST_RUN: '' },
      timeout: 50_000,
    }).catch((error: { code: number; stdout: string }) => error);
    const output = (result as { stdout: string }).stdout;
    assert.match(output, /leaves a child process:\s+Error: left things running: 1 process\(es\) still running: pid \d+ \(sleep 30\)/);
    assert.match(output, /leaves a worker thread:\s+Error: left things running: 1 extra thread\(s\): a worker was not ended/);
    assert.match(output, /leaves an interval:\s+Error: left things running: 1 Timeout still open/);
    assert.match(output, /1 passing/);
    assert.match(output, /3 failing/);
  });
});
