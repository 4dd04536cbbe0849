/**
 * Starts the peers of the Queue and Pipe tests (test/fixtures/03-processes-queues-pipes/peer.mjs)
 * as child processes or worker threads, collects what they report and print, and
 * ends them all. The peers import the compiled library from dist/.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { compiledEntry, kitRoot } from '../../src/paths.js';

const fixture = join(kitRoot, 'test/fixtures/03-processes-queues-pipes/peer.mjs');

export type PeerKind = 'process' | 'thread';

/** What a peer reports (see peer.mjs). */
export interface Report {
  done?: boolean;
  seqs?: Record<string, number[]>;
  waiting?: boolean;
  value?: unknown;
  put?: unknown;
  error?: { name: string; message: string };
}

export interface Peer {
  readonly reports: Report[];
  /** Lines the peer printed. */
  readonly lines: string[];
  /** Resolves with the first report (from now or earlier) that `matches`. */
  report(matches: (report: Report) => boolean): Promise<Report>;
  /** Resolves when the peer has ended. */
  readonly ended: Promise<void>;
  /** Ends the peer now (a no-op once it has ended). */
  stop(): Promise<void>;
}

/** Starts a peer playing `role`; `config` may hold Queues and Pipe ends (JSON for a process, clone for a thread). */
export function startPeer(kind: PeerKind, role: string, config: Record<string, unknown> = {}): Peer {
  const full = {
    role,
    queueModule: pathToFileURL(compiledEntry('03-processes-queues-pipes/queue.ts')).href,
    pipeModule: pathToFileURL(compiledEntry('03-processes-queues-pipes/pipe.ts')).href,
    ...config,
  };
  return kind === 'process'
    ? track(fork(fixture, [JSON.stringify(full)], { silent: true }))
    : track(new Worker(fixture, { workerData: full, stdout: true, stderr: true }));
}

function track(peer: ChildProcess | Worker): Peer {
  const reports: Report[] = [];
  const lines: string[] = [];
  const listeners = new Set<() => void>();
  let text = '';
  let errorText = '';
  peer.stderr?.on('data', (chunk: Buffer) => (errorText += chunk.toString()));
  peer.stdout!.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    const parts = text.split('\n');
    text = parts.pop()!;
    lines.push(...parts);
  });
  peer.on('message', (message: Report) => {
    reports.push(message);
    for (const listener of listeners) listener();
  });
  let hasEnded = false;
  const ended = new Promise<void>((resolve) =>
    peer.once('exit', () => {
      hasEnded = true;
      resolve();
    }),
  );
  peer.on('error', () => {});
  return {
    reports,
    lines,
    ended,
    report(matches) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = reports.find(matches);
          if (found) {
            listeners.delete(check);
            resolve(found);
          } else if (hasEnded) {
            listeners.delete(check);
            reject(new Error(`the peer ended without the expected report; it reported ${JSON.stringify(reports)}; stderr: ${errorText}`));
          }
        };
        listeners.add(check);
        void ended.then(check);
        check();
      });
    },
    async stop() {
      if (hasEnded) return;
      if (peer instanceof Worker) await peer.terminate();
      else peer.kill('SIGKILL');
      await ended;
    },
  };
}

/** Ends every peer (use in finally / afterEach). */
export async function stopAll(peers: Peer[]): Promise<void> {
  await Promise.all(peers.splice(0).map((peer) => peer.stop()));
}
