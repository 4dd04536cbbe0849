/**
 * A small Jupyter client for the tslab kernel: starts the kernel as a child
 * process, speaks the Jupyter messaging protocol (v5) to it over ZeroMQ, and runs
 * code, collecting every output the code produces. The headless notebook runner
 * is built on it; nothing here depends on Python or on Jupyter being installed.
 *
 * The protocol in brief: the kernel listens on five sockets named in a
 * connection file. Requests go to the *shell* socket; outputs (stdout, displays,
 * errors, busy/idle status) are broadcast on *iopub*, tagged with the id of the
 * request that caused them; interrupts and shutdown go to *control*. Every
 * message is signed with HMAC-SHA256 using the key in the connection file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dealer, Subscriber } from 'zeromq';
import { compiledEntry } from '../paths.js';
import { freePorts } from './free-ports.js';

/** One output of a cell, as Jupyter stores it in a notebook. */
export type CellOutput =
  | { output_type: 'stream'; name: 'stdout' | 'stderr'; text: string }
  | { output_type: 'display_data'; data: Record<string, unknown>; metadata: Record<string, unknown> }
  | { output_type: 'execute_result'; data: Record<string, unknown>; metadata: Record<string, unknown>; execution_count: number | null }
  | { output_type: 'error'; ename: string; evalue: string; traceback: string[] };

export interface ExecutionResult {
  /** 'ok' or 'error' from the kernel, 'aborted' when it dropped the request, 'timeout' when it ran too long. */
  status: 'ok' | 'error' | 'aborted' | 'timeout';
  outputs: CellOutput[];
  /** Milliseconds from sending the request to the kernel going idle. */
  durationMs: number;
}

interface Message {
  header: { msg_id: string; msg_type: string; [key: string]: unknown };
  parent_header: { msg_id?: string; [key: string]: unknown };
  metadata: Record<string, unknown>;
  content: Record<string, unknown>;
}

const DELIMITER = '<IDS|MSG>';

/** Kernels started by this process: ended with it, whatever way it ends. */
const liveKernels = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of liveKernels) killGroup(child);
});

/** Ends a kernel's whole process group: the kernel and anything its cells started. */
function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // The group is already gone.
  }
}
const session = randomUUID();

export interface KernelOptions {
  /** Folder the kernel runs in (a notebook's folder, so relative imports work). */
  cwd: string;
  /** Milliseconds to wait for the kernel to answer its first request (default 60 s). */
  startTimeoutMs?: number;
}

/** A running tslab kernel. Always `shutdown()` it, also on error. */
export class KernelClient {
  private readonly shell = new Dealer();
  private readonly control = new Dealer();
  private readonly iopub = new Subscriber();
  private readonly waiters = new Map<string, (message: Message) => void>();
  private readonly iopubListeners = new Map<string, (message: Message) => void>();
  private closed = false;
  private exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    private readonly key: string,
    private readonly connectionDir: string,
  ) {
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
  }

  /** Starts a tslab kernel and waits until it answers. */
  static async start(options: KernelOptions): Promise<KernelClient> {
    const ports = await freePorts(5);
    const key = randomUUID();
    const connectionDir = mkdtempSync(join(tmpdir(), 'course-kit-kernel-'));
    const connectionFile = join(connectionDir, 'connection.json');
    const [shell_port, iopub_port, stdin_port, control_port, hb_port] = ports;
    writeFileSync(
      connectionFile,
      JSON.stringify({
        shell_port,
        iopub_port,
        stdin_port,
        control_port,
        hb_port,
        ip: '127.0.0.1',
        key,
        transport: 'tcp',
        signature_scheme: 'hmac-sha256',
        kernel_name: 'tslab',
      }),
    );
    const child = spawn(process.execPath, [compiledEntry('tools/kernel-process.ts'), connectionFile], {
      cwd: options.cwd,
      // stdin is the kernel's lifeline: it ends itself when this pipe closes (see kernel-process.ts).
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own process group, so shutdown can end whatever the notebook started too.
      detached: true,
    });
    liveKernels.add(child);
    child.once('exit', () => liveKernels.delete(child));
    let kernelLog = '';
    const keepLog = (chunk: Buffer) => {
      kernelLog = (kernelLog + chunk.toString()).slice(-4000);
    };
    child.stdout?.on('data', keepLog);
    child.stderr?.on('data', keepLog);
    const client = new KernelClient(child, key, connectionDir);
    client.shell.connect(`tcp://127.0.0.1:${shell_port}`);
    client.control.connect(`tcp://127.0.0.1:${control_port}`);
    client.iopub.connect(`tcp://127.0.0.1:${iopub_port}`);
    client.iopub.subscribe();
    void client.pump(client.shell);
    void client.pump(client.control);
    void client.pump(client.iopub, true);
    const startTimeoutMs = options.startTimeoutMs ?? 60_000;
    try {
      const ready = client.request(client.shell, 'kernel_info_request', {});
      const exitedEarly = client.exited.then(() => {
        throw new Error(`the tslab kernel exited while starting:\n${kernelLog}`);
      });
      await withDeadline(Promise.race([ready, exitedEarly]), startTimeoutMs, `the tslab kernel did not start within ${startTimeoutMs} ms`);
      // IOPub is a broadcast: wait until our subscription is live, or the first outputs are lost.
      await client.waitForIopub();
    } catch (error) {
      await client.shutdown();
      throw error;
    }
    return client;
  }

  /**
   * Runs `code` and collects its outputs until the kernel is idle again.
   * Past `timeoutMs` the kernel is interrupted and the result says 'timeout'.
   */
  async execute(code: string, timeoutMs: number): Promise<ExecutionResult> {
    const started = performance.now();
    const outputs: CellOutput[] = [];
    const msgId = randomUUID();
    let idle!: () => void;
    const becameIdle = new Promise<void>((resolve) => (idle = resolve));
    this.iopubListeners.set(msgId, (message) => collectOutput(message, outputs, idle));
    try {
      const reply = this.request(
        this.shell,
        'execute_request',
        {
          code,
          silent: false,
          store_history: true,
          user_expressions: {},
          allow_stdin: false,
          stop_on_error: false,
        },
        msgId,
      );
      const done = Promise.all([reply, becameIdle]).then(([message]) => message);
      const message = await withDeadline(done, timeoutMs, 'timeout').catch(async (error: Error) => {
        if (error.message !== 'timeout') throw error;
        await this.interrupt();
        return undefined;
      });
      return { status: message ? replyStatus(message) : 'timeout', outputs, durationMs: performance.now() - started };
    } finally {
      this.iopubListeners.delete(msgId);
    }
  }

  /** Interrupts the running cell (tslab handles SIGINT by interrupting its executor). */
  async interrupt(): Promise<void> {
    if (this.child.exitCode === null) this.child.kill('SIGINT');
  }

  /** Asks the kernel to shut down, then makes sure it is gone. Safe to call twice. */
  async shutdown(): Promise<void> {
    if (this.closed) return;
    try {
      if (this.child.exitCode === null && this.child.signalCode === null) {
        await withDeadline(this.request(this.control, 'shutdown_request', { restart: false }), 2000, 'no reply').catch(() => undefined);
        await withDeadline(this.exited, 2000, 'still running').catch(() => {
          this.child.kill('SIGKILL');
          return this.exited;
        });
      }
    } finally {
      killGroup(this.child);
      this.closed = true;
      for (const socket of [this.shell, this.control, this.iopub]) socket.close();
      rmSync(this.connectionDir, { recursive: true, force: true });
    }
  }

  /** True while the kernel process runs. */
  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  private async waitForIopub(): Promise<void> {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const seen = new Promise<boolean>((resolve) => {
        const msgId = randomUUID();
        const timer = setTimeout(() => {
          this.iopubListeners.delete(msgId);
          resolve(false);
        }, 100);
        this.iopubListeners.set(msgId, () => {
          clearTimeout(timer);
          this.iopubListeners.delete(msgId);
          resolve(true);
        });
        void this.request(this.shell, 'kernel_info_request', {}, msgId);
      });
      if (await seen) return;
    }
    throw new Error('the kernel never published on its IOPub socket');
  }

  private request(socket: Dealer, msgType: string, content: Record<string, unknown>, msgId = randomUUID()): Promise<Message> {
    const header = {
      msg_id: msgId,
      msg_type: msgType,
      session,
      username: 'course-kit',
      date: new Date().toISOString(),
      version: '5.3',
    };
    const frames = [JSON.stringify(header), '{}', '{}', JSON.stringify(content)];
    const signature = this.sign(frames);
    const reply = new Promise<Message>((resolve) => this.waiters.set(msgId, resolve));
    void socket.send([DELIMITER, signature, ...frames]).catch(() => undefined);
    return reply;
  }

  private async pump(socket: Dealer | Subscriber, isIopub = false): Promise<void> {
    try {
      for await (const frames of socket) {
        const message = this.decode(frames);
        if (!message) continue;
        const parentId = message.parent_header.msg_id ?? '';
        if (isIopub) {
          this.iopubListeners.get(parentId)?.(message);
        } else {
          const waiter = this.waiters.get(parentId);
          this.waiters.delete(parentId);
          waiter?.(message);
        }
      }
    } catch {
      // The socket was closed by shutdown().
    }
  }

  private decode(frames: Buffer[]): Message | undefined {
    const at = frames.findIndex((frame) => frame.toString() === DELIMITER);
    if (at < 0 || frames.length < at + 6) return undefined;
    const parts = frames.slice(at + 2, at + 6).map((frame) => frame.toString());
    if (frames[at + 1].toString() !== this.sign(parts)) return undefined;
    const [header, parent_header, metadata, content] = parts.map((part) => JSON.parse(part));
    return { header, parent_header, metadata, content };
  }

  private sign(parts: string[]): string {
    const hmac = createHmac('sha256', this.key);
    for (const part of parts) hmac.update(part);
    return hmac.digest('hex');
  }
}

function replyStatus(reply: Message): ExecutionResult['status'] {
  const status = String(reply.content.status);
  if (status === 'ok') return 'ok';
  // tslab says "abort" when it drops a request that came too soon after a failure.
  return status.startsWith('abort') ? 'aborted' : 'error';
}

function collectOutput(message: Message, outputs: CellOutput[], idle: () => void): void {
  const { content } = message;
  switch (message.header.msg_type) {
    case 'stream': {
      const name = content.name === 'stderr' ? 'stderr' : 'stdout';
      const last = outputs[outputs.length - 1];
      if (last?.output_type === 'stream' && last.name === name) last.text += String(content.text);
      else outputs.push({ output_type: 'stream', name, text: String(content.text) });
      break;
    }
    case 'display_data':
    case 'update_display_data':
      outputs.push({
        output_type: 'display_data',
        data: content.data as Record<string, unknown>,
        metadata: (content.metadata ?? {}) as Record<string, unknown>,
      });
      break;
    case 'execute_result':
      outputs.push({
        output_type: 'execute_result',
        data: content.data as Record<string, unknown>,
        metadata: (content.metadata ?? {}) as Record<string, unknown>,
        execution_count: (content.execution_count as number) ?? null,
      });
      break;
    case 'error':
      outputs.push({
        output_type: 'error',
        ename: String(content.ename),
        evalue: String(content.evalue),
        traceback: (content.traceback as string[]) ?? [],
      });
      break;
    case 'status':
      if (content.execution_state === 'idle') idle();
      break;
    default:
      break;
  }
}

/** Resolves like `promise`, or rejects with `message` after `ms`. Clears its timer either way. */
function withDeadline<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
