/**
 * The headless runner must catch every way a cell can fail, keep going after a
 * failure (tslab drops requests for ~200 ms after one), and refuse bad input.
 * Each fixture notebook is written to a temporary folder and run for real on
 * the tslab kernel.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Dealer } from 'zeromq';
import { compiledEntry } from '../../src/paths.js';
import { formatFailure, runNotebook } from '../../src/tools/notebook-runner.js';
import { assertUsageError, runCli } from './run-cli.js';

const folder = mkdtempSync(join(tmpdir(), 'runner-fixtures-'));

function notebook(name: string, cells: string[], kernel = 'tslab'): string {
  const path = join(folder, `${name}.ipynb`);
  const json = {
    cells: cells.map((source) =>
      source.startsWith('#md ')
        ? { cell_type: 'markdown', metadata: {}, source: source.slice(4) }
        : { cell_type: 'code', metadata: {}, source, outputs: [], execution_count: null },
    ),
    metadata: { kernelspec: { name: kernel, display_name: kernel, language: 'typescript' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  writeFileSync(path, JSON.stringify(json));
  return path;
}

describe('headless notebook runner', function () {
  this.timeout(90_000);
  before(() => {
    // ZeroMQ starts its I/O threads with its first socket and keeps them for the
    // life of the process: start them now, so the harness does not take them for workers.
    new Dealer().close();
  });
  after(() => rmSync(folder, { recursive: true, force: true }));

  it('runs a clean notebook with no failures and keeps its outputs', async () => {
    const run = await runNotebook(notebook('clean', ['#md # Title', 'const answer: number = 6 * 7', 'console.log(answer)']));
    assert.deepEqual(run.failures, []);
    assert.equal(run.cells.length, 2);
    assert.equal(run.cells[1].cell, 3, 'cells are numbered as a reader counts them, markdown included');
    assert.deepEqual(run.cells[1].outputs, [{ output_type: 'stream', name: 'stdout', text: '42\n' }]);
  });

  it('reports each failure kind and still runs every cell after a failure', async () => {
    const path = notebook('failures', [
      'throw new Error("boom")',
      'console.log("runs right after a failure")',
      'const wrong: string = 3',
      'console.error("careful")',
      'await new Promise((resolve) => setTimeout(resolve, 60_000))',
      'console.log("runs after a timeout")',
    ]);
    const run = await runNotebook(path, { cellTimeoutMs: 3000 });
    const byCell = new Map(run.failures.map((failure) => [failure.cell, failure]));
    assert.equal(byCell.get(1)?.kind, 'error');
    assert.match(byCell.get(1)!.message, /boom/);
    assert.equal(byCell.get(3)?.kind, 'error');
    assert.match(byCell.get(3)!.message, /Type 'number' is not assignable to type 'string'/);
    assert.equal(byCell.get(4)?.kind, 'stderr');
    assert.match(byCell.get(4)!.message, /careful/);
    assert.equal(byCell.get(5)?.kind, 'timeout');
    assert.equal(run.failures.length, 4, JSON.stringify(run.failures));
    const outputOf = (cell: number) => JSON.stringify(run.cells.find((c) => c.cell === cell)?.outputs);
    assert.match(outputOf(2), /runs right after a failure/);
    assert.match(outputOf(6), /runs after a timeout/);
    assert.equal(formatFailure(byCell.get(4)!), 'failures.ipynb › cell 4: wrote to stderr: careful');
  });

  it('refuses a missing notebook and a notebook for another kernel, naming them', async () => {
    await assert.rejects(runNotebook(join(folder, 'missing.ipynb')), /notebook not found: .*missing\.ipynb/);
    const python = notebook('python', ['print(1)'], 'python3');
    await assert.rejects(runNotebook(python), /uses the kernel "python3", expected "tslab"/);
  });

  it('the CLI prints failures as "notebook › cell N: message" and exits 1; bad paths exit 2', async () => {
    const cli = compiledEntry('tools/run-notebooks.ts');
    const failing = notebook('cli', ['console.log("fine")', 'throw new Error("cli boom")']);
    const result = await promisify(execFile)(process.execPath, [cli, failing]).catch((error) => error);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /cli\.ipynb › cell 2: .*cli boom/);
    assertUsageError(await runCli(cli, ['nowhere/missing.ipynb']), /^error: notebook not found: nowhere\/missing\.ipynb$/);
    assertUsageError(await runCli(cli, [failing, '--timeout', '0']), /^error: --timeout must be a number of seconds above 0, got "0"$/);
    assertUsageError(await runCli(cli, ['--fast']), /^error: unknown option --fast; usage: npm run notebooks -- /);
  });
});

describe('a kernel whose client dies', function () {
  this.timeout(60_000);

  it('ends itself and everything its cells started, even when the client is SIGKILLed', async () => {
    const client = compiledEntry('tools/kernel-client.ts');
    const script = `
      const { KernelClient } = await import(${JSON.stringify(pathToFileURL(client).href)});
      const kernel = await KernelClient.start({ cwd: process.cwd() });
      const result = await kernel.execute("import { spawn } from 'node:child_process'; spawn('sleep', ['300'], { stdio: 'ignore' }); console.log('spawned')", 30000);
      console.log(JSON.stringify(result.outputs));
      process.kill(process.pid, 'SIGKILL');`;
    const result = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: tmpdir() }).catch(
      (error: { signal: string; stdout: string }) => error,
    );
    assert.equal((result as { signal: string }).signal, 'SIGKILL');
    assert.match((result as { stdout: string }).stdout, /spawned/);
    // The harness fails this test if the kernel or its `sleep 300` is still running 3 s from now.
  });
});

describe('the kernel process (tools/kernel-process.ts)', () => {
  it('without exactly one connection file: one line, exit code 2, no kernel started', async () => {
    const kernelProcess = compiledEntry('tools/kernel-process.ts');
    assertUsageError(
      await runCli(kernelProcess, []),
      /^error: expected one connection file, got 0; usage: kernel-process\.js <connection file>$/,
    );
    assertUsageError(await runCli(kernelProcess, ['--debug', 'a.json']), /^error: unknown option --debug; usage: kernel-process\.js/);
  });
});
