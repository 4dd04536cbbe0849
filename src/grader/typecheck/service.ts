/**
 * The grader's side of the type-check server (server.ts): one server process,
 * started on the first request and kept warm for the next ones, one request at
 * a time. Each request has a time limit; the server has a heap limit. When a
 * check goes past either, the server is killed (the next request starts a
 * fresh one) and that check alone fails, with the sentence
 * "type check did not finish within N s / M MB".
 *
 * With the OS sandbox the server runs in one too: no network, a read-only view
 * of TypeScript, the type declarations and the kit's compiled library, and
 * rlimits. It never runs code of the submission, but it reads the hidden
 * tests, and a type can be written to exhaust it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { sandboxCommand } from '../../engine/os-sandbox.js';
import { compiledEntry } from '../../paths.js';
import { killSandbox } from '../../engine/process-tree.js';
import { kitView } from '../sandbox/kit-view.js';
import type { Isolation } from '../sandbox/launch.js';
import type { TypeCheckAnswer, TypeCheckDiagnostic } from './server.js';

export interface TypeCheckLimits {
  /** Per request, in seconds. */
  timeLimitSeconds: number;
  /** The server's heap, in MB. */
  memoryMb: number;
}

export type TypeCheckResult =
  | { ok: true; outputs: Record<string, string>; durationMs: number }
  | { ok: false; diagnostics: TypeCheckDiagnostic[]; durationMs: number }
  | { ok: false; overLimit: string; durationMs: number };

export const DEFAULT_TYPE_CHECK_LIMITS: TypeCheckLimits = { timeLimitSeconds: 30, memoryMb: 1024 };

const MB = 1024 * 1024;

interface Server {
  child: ChildProcess;
  /** Resolves with the next answer, or with undefined when the server ended. */
  next(): Promise<TypeCheckAnswer | undefined>;
  stderr: string;
}

/** Packages the server needs besides the kit's run-time ones. */
const TYPE_PACKAGES = ['typescript', '@types/node', '@types/mocha'];

export class TypeCheckService {
  readonly isolation: Isolation;
  readonly memoryMb: number;
  #server: Server | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #nextId = 1;
  #closed = false;

  constructor(isolation: Isolation, memoryMb = DEFAULT_TYPE_CHECK_LIMITS.memoryMb) {
    this.isolation = isolation;
    this.memoryMb = memoryMb;
  }

  /** Type-checks `files` (relative path → source) and emits their JavaScript. One request at a time. */
  check(files: Record<string, string>, timeLimitSeconds: number, signal?: AbortSignal): Promise<TypeCheckResult> {
    const run = this.#queue.then(() => this.#check(files, timeLimitSeconds, signal));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #check(files: Record<string, string>, timeLimitSeconds: number, signal?: AbortSignal): Promise<TypeCheckResult> {
    if (this.#closed) throw new Error('the type-check service is closed');
    signal?.throwIfAborted();
    const started = performance.now();
    const server = (this.#server ??= this.#start());
    const id = this.#nextId++;
    server.child.stdin!.write(JSON.stringify({ id, files }) + '\n');
    let timer: NodeJS.Timeout | undefined;
    const overLimit = `type check did not finish within ${timeLimitSeconds} s / ${this.memoryMb} MB`;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeLimitSeconds * 1000);
    });
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<'aborted'>((resolve) => {
      onAbort = () => resolve('aborted');
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const answer = await Promise.race([server.next(), timedOut, aborted]);
      if (answer === 'aborted') {
        this.#stop();
        throw signal!.reason;
      }
      if (answer === undefined && !/heap out of memory|Reached heap limit|allocation failed/i.test(server.stderr)) {
        this.#stop();
        throw new Error(`the type checker stopped: ${server.stderr.trim().split('\n')[0] || 'no message'}`);
      }
      if (answer === 'timeout' || answer === undefined) {
        // Too slow, or its heap ran out: the server goes, and this check alone fails.
        this.#stop();
        return { ok: false, overLimit, durationMs: performance.now() - started };
      }
      if (answer.ok) return { ok: true, outputs: answer.outputs, durationMs: answer.durationMs };
      return { ok: false, diagnostics: answer.diagnostics, durationMs: answer.durationMs };
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }

  #start(): Server {
    const entry = compiledEntry('grader/typecheck/server.ts');
    const heap = `--max-old-space-size=${this.memoryMb}`;
    // One thread: a class grades several exercises at once, one per core.
    const v8Flags = '--single-threaded';
    let child: ChildProcess;
    if (this.isolation === 'os') {
      const { mounts, dirs } = kitView(TYPE_PACKAGES);
      const { file, args } = sandboxCommand({
        command: [process.execPath, heap, v8Flags, '/kit/dist/grader/typecheck/server.js'],
        readOnly: mounts,
        directories: dirs,
        writable: ['/tmp'],
        symlinks: [{ at: '/kit/node_modules/course-kit', target: '..' }],
        cwd: '/tmp',
        env: { PATH: '/usr/bin:/bin', HOME: '/tmp', ...markers() },
        limits: { dataBytes: (2 * this.memoryMb + 512) * MB, tasks: 64, fileSizeBytes: 16 * MB, openFiles: 1024 },
      });
      child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    } else {
      child = spawn(process.execPath, [heap, v8Flags, entry], {
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true,
        env: { PATH: process.env.PATH ?? '', ...markers() },
      });
    }
    child.on('error', () => undefined);
    child.stdin!.on('error', () => undefined);
    const server: Server = { child, stderr: '', next: () => Promise.resolve(undefined) };
    child.stderr!.on('data', (chunk: Buffer) => {
      if (server.stderr.length < 8192) server.stderr += chunk.toString('utf8');
    });
    const answers = createInterface({ input: child.stdout!, crlfDelay: Infinity })[Symbol.asyncIterator]();
    server.next = async () => {
      const { value, done } = await answers.next();
      return done ? undefined : (JSON.parse(value as string) as TypeCheckAnswer);
    };
    child.unref();
    return server;
  }

  #stop(): void {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    server.child.stdin?.destroy();
    if (server.child.pid !== undefined && server.child.exitCode === null && server.child.signalCode === null) killSandbox(server.child.pid);
  }

  /** Ends the server. */
  close(): void {
    this.#closed = true;
    this.#stop();
  }
}

/** The test suite's marker travels on, so its leftovers check sees a server left running. */
function markers(): Record<string, string> {
  const marker = process.env.COURSE_KIT_TEST_RUN;
  return marker === undefined ? {} : { COURSE_KIT_TEST_RUN: marker };
}
