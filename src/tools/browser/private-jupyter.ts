/**
 * A Jupyter Notebook server of the browser test's own: on a free loopback
 * port, with a random token, its own runtime folder, serving one folder of
 * notebooks. Stopping it ends the kernels it started too.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processTree } from '../../engine/process-tree.js';
import { freePorts } from '../free-ports.js';
import { startNotebookServer, type JupyterPython, type NotebookServer } from '../jupyter.js';

export interface PrivateJupyter {
  /** http://127.0.0.1:port */
  base: string;
  /** The server's process id. */
  pid: number | undefined;
  /** The page of a notebook, by its path in the served folder (with `/`), token included. */
  notebookUrl(notebookPath: string): string;
  /** Shuts the notebook's kernel down through Jupyter's REST API. */
  shutDownKernel(notebookPath: string): Promise<void>;
  /** Stops the server and every kernel it started, and removes its runtime folder. */
  stop(): Promise<void>;
}

/** Starts Jupyter serving `notebookDir`; resolves once it listens. */
export async function startPrivateJupyter(jupyter: JupyterPython, notebookDir: string): Promise<PrivateJupyter> {
  const runtimeDir = mkdtempSync(join(tmpdir(), 'course-kit-jupyter-'));
  const token = randomBytes(24).toString('hex');
  const previousRuntimeDir = process.env.JUPYTER_RUNTIME_DIR;
  process.env.JUPYTER_RUNTIME_DIR = runtimeDir; // inherited by the server only
  let server: NotebookServer;
  try {
    server = await startNotebookServer({
      jupyter,
      port: (await freePorts(1))[0],
      openBrowser: false,
      extraArguments: [
        `--NotebookApp.token=${token}`,
        '--NotebookApp.password=',
        // Serve `notebookDir` (startNotebookServer points Jupyter at notebooks/, which may be given once only).
        `--FileContentsManager.root_dir=${notebookDir}`,
        `--MappingKernelManager.root_dir=${notebookDir}`,
      ],
      startTimeoutMs: 60_000,
    });
  } catch (error) {
    rmSync(runtimeDir, { recursive: true, force: true });
    throw error;
  } finally {
    if (previousRuntimeDir === undefined) delete process.env.JUPYTER_RUNTIME_DIR;
    else process.env.JUPYTER_RUNTIME_DIR = previousRuntimeDir;
  }
  const base = new URL(server.url).origin;
  const headers = { Authorization: `token ${token}` };
  return {
    base,
    pid: server.process.pid,
    notebookUrl: (notebookPath) => `${base}/notebooks/${notebookPath.split('/').map(encodeURIComponent).join('/')}?token=${token}`,
    async shutDownKernel(notebookPath) {
      const response = await fetch(`${base}/api/sessions`, { headers, signal: AbortSignal.timeout(10_000) });
      const sessions = (await response.json()) as Array<{ id: string; path: string }>;
      for (const session of sessions.filter((s) => s.path === notebookPath)) {
        await fetch(`${base}/api/sessions/${session.id}`, { method: 'DELETE', headers, signal: AbortSignal.timeout(15_000) });
      }
    },
    async stop() {
      const root = server.process.pid;
      // Found before the server stops: once it ends, its kernels are re-parented and lost from the tree.
      const leftovers = root
        ? processTree(root)
            .map((info) => info.pid)
            .filter((pid) => pid !== root)
        : [];
      await server.stop();
      for (const pid of leftovers) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already ended with the server.
        }
      }
      rmSync(runtimeDir, { recursive: true, force: true });
    },
  };
}
