/**
 * `npm start` (dist/tools/start.js): opens Jupyter on notebooks/ with the tslab
 * kernel registered, or explains how to install Jupyter when it is missing.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { compiledEntry } from '../../src/paths.js';
import { findJupyter } from '../../src/tools/jupyter.js';
import { assertUsageError, runCli } from './run-cli.js';

const start = compiledEntry('tools/start.ts');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('npm start', function () {
  this.timeout(90_000);

  it('without Jupyter: prints the install commands, no stack trace, and exits 1', async () => {
    const result = await promisify(execFile)(process.execPath, [start], {
      env: { ...process.env, JUPYTER_PYTHON: '/nonexistent/python3' },
    }).catch((error: { code: number; stdout: string; stderr: string }) => error);
    const { code, stderr } = result as { code: number; stderr: string };
    assert.equal(code, 1);
    assert.match(stderr, /Jupyter Notebook was not found/);
    assert.match(stderr, /sudo apt-get install -y jupyter-notebook python3-nbclient jupyter-nbconvert/);
    assert.match(stderr, /python3 -m pip install notebook/);
    assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
  });

  it('a bad --port: one line naming it, exit code 2, before anything starts', async () => {
    assertUsageError(await runCli(start, ['--port', 'eighty']), /^error: --port must be a whole number, got "eighty"$/);
    assertUsageError(
      await runCli(start, ['--no-browser', '--port=70000']),
      /^error: --port must be a port number from 0 to 65535, got "70000"$/,
    );
    assertUsageError(await runCli(start, ['--port']), /^error: --port needs a value$/);
  });

  it('with Jupyter: registers the kernel, serves notebooks/ and prints the URL; Ctrl-C stops it', async function () {
    // Never skipped: a machine set up with `npm run setup` (and CI) has Jupyter.
    assert.ok(findJupyter(), 'Jupyter Notebook is not installed: run `npm run setup` (it installs jupyter-notebook with apt-get)');
    const port = await freePort();
    // detached: a process group of its own, as a terminal gives the command it runs.
    const child = spawn(process.execPath, [start, '--no-browser', '--port', String(port)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /The course is open at (http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(output);
          if (match) resolve(match[1]);
        });
        child.once('exit', () => reject(new Error(`npm start exited early:\n${output}`)));
      });
      const base = url.replace(/\/\?token=.*$/, '');
      const token = /token=([^&\s]+)/.exec(url)?.[1] ?? '';
      const response = await fetch(`${base}/api/contents/00-welcome.ipynb?content=0&token=${token}`);
      assert.equal(response.status, 200, 'the server serves notebooks/');
      const specs = (await (await fetch(`${base}/api/kernelspecs?token=${token}`)).json()) as { kernelspecs: Record<string, unknown> };
      assert.ok('tslab' in specs.kernelspecs, `kernels: ${Object.keys(specs.kernelspecs).join(', ')}`);
    } finally {
      // Ctrl-C in a terminal signals the whole foreground process group, not one process.
      process.kill(-child.pid!, 'SIGINT');
      assert.equal(await exited, 0);
      assert.doesNotMatch(errors, /Traceback|RuntimeError/, 'Jupyter stops quietly');
    }
  });
});
