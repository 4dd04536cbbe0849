/**
 * Finding Jupyter, registering the tslab kernel with it, and starting the
 * notebook server. `npm start` uses this, and so do tests that need a real
 * Jupyter (the browser test).
 *
 * On Debian the Python that has Jupyter (/usr/bin/python3, from Debian's
 * packages) is often not the first `python3` on PATH, so every candidate is
 * asked whether it can import Jupyter, and the kernel is registered for that one
 * with an absolute path to tslab, so it starts whatever PATH Jupyter runs with.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { kitRoot } from '../paths.js';

export const installHelp = [
  'Jupyter Notebook was not found. Install it, then run "npm start" again:',
  '  Debian/Ubuntu:  sudo apt-get install -y jupyter-notebook python3-nbclient jupyter-nbconvert',
  '  with pip:       python3 -m pip install notebook',
  'If Jupyter is installed for a Python that is not on PATH, name it: JUPYTER_PYTHON=/path/to/python3 npm start',
].join('\n');

export interface JupyterPython {
  /** The Python executable that can import Jupyter. */
  python: string;
  /** 'notebook' (classic Notebook) or 'jupyterlab', whichever is installed (Lab preferred). */
  app: 'notebook' | 'jupyterlab';
}

/** Pythons to ask, in order: $JUPYTER_PYTHON alone when set, else the usual places. */
function candidates(): string[] {
  const chosen = process.env.JUPYTER_PYTHON;
  if (chosen) return [chosen];
  return ['/usr/bin/python3', 'python3', 'python'];
}

function canImport(python: string, module: string): boolean {
  const result = spawnSync(python, ['-c', `import ${module}`], { stdio: 'ignore', timeout: 20_000 });
  return result.status === 0;
}

/** The first Python that has Jupyter, or undefined. */
export function findJupyter(): JupyterPython | undefined {
  for (const python of candidates()) {
    if (python.includes('/') && !existsSync(python)) continue;
    if (!canImport(python, 'jupyter_client')) continue;
    if (canImport(python, 'jupyterlab')) return { python, app: 'jupyterlab' };
    if (canImport(python, 'notebook')) return { python, app: 'notebook' };
  }
  return undefined;
}

/** Registers the tslab kernel for `python`'s Jupyter (per user, absolute tslab path). */
export function registerKernel(python: string): void {
  const tslab = join(kitRoot, 'node_modules', '.bin', 'tslab');
  if (!existsSync(tslab)) throw new Error(`tslab is not installed (${tslab} is missing): run "npm ci" first`);
  const result = spawnSync(tslab, ['install', `--python=${python}`, `--binary=${tslab}`, '--user'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.status !== 0) {
    throw new Error(`registering the tslab kernel failed:\n${result.stdout ?? ''}${result.stderr ?? ''}`);
  }
}

export interface NotebookServerOptions {
  jupyter: JupyterPython;
  /** Port to listen on; 0 lets Jupyter pick a free one (default 8888, or the next free). */
  port?: number;
  /** Open a browser (default true). */
  openBrowser?: boolean;
  /** Extra arguments for Jupyter. */
  extraArguments?: string[];
  /** Passes Jupyter's own log lines on (default: no). */
  onLog?: (line: string) => void;
  /** Milliseconds to wait for the server to print its URL (default 60 s). */
  startTimeoutMs?: number;
}

export interface NotebookServer {
  /** The URL with its login token. */
  url: string;
  process: ChildProcess;
  /** Stops the server and waits for it to exit. */
  stop(): Promise<void>;
}

/** Starts Jupyter on notebooks/ at 127.0.0.1 and resolves once it prints its URL. */
export function startNotebookServer(options: NotebookServerOptions): Promise<NotebookServer> {
  const { jupyter } = options;
  const args = [
    '-m',
    jupyter.app,
    `--notebook-dir=${join(kitRoot, 'notebooks')}`,
    '--ip=127.0.0.1',
    `--port=${options.port ?? 8888}`,
    ...(options.openBrowser === false ? ['--no-browser'] : []),
    ...(process.getuid?.() === 0 ? ['--allow-root'] : []),
    ...(options.extraArguments ?? []),
  ];
  // A process group of its own: the terminal's Ctrl-C reaches only us, and we stop Jupyter with one
  // SIGTERM. In our group it would get the SIGINT too, then our SIGTERM in the middle of handling it,
  // and print a Python traceback ("Event loop stopped before Future completed").
  const child = spawn(jupyter.python, args, { cwd: kitRoot, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  };
  return new Promise((resolve, reject) => {
    let settled = false;
    const timeoutMs = options.startTimeoutMs ?? 60_000;
    const timer = setTimeout(() => fail(new Error(`Jupyter did not print its URL within ${timeoutMs / 1000} s`)), timeoutMs);
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void stop().then(() => reject(error));
    };
    let log = '';
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      log = (log + text).slice(-4000);
      for (const line of text.split('\n')) if (line.trim() !== '') options.onLog?.(line);
      const url = /(http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(log)?.[1];
      if (url && !settled) {
        settled = true;
        clearTimeout(timer);
        resolve({ url, process: child, stop });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`Jupyter exited (code ${code}) before it was ready:\n${log}`)));
  });
}
