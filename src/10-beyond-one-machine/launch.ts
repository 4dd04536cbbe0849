/**
 * Starting the pieces of a cluster on this machine, as `ipcluster start -n 4`
 * does: a Redis (a private one unless an address is given) and N engine
 * processes. Each engine is a child with an IPC channel, so it ends when this
 * process ends, however it ends (engine-main.ts); the private Redis ends with
 * it too (its keeper). Used by startCluster() in a notebook and by the
 * background process of `npm run cluster -- start`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { compiledEntry } from '../paths.js';
import { startRedisServer, type RunningRedis } from '../engine/redis/index.js';
import type { EngineOptions } from './engine.js';

export interface LaunchOptions {
  /** How many engines (default 4). */
  engines?: number;
  /** An existing Redis (redis://host:port); default: start a private one. */
  url?: string;
  password?: string;
  /** Address a private Redis listens on (default 127.0.0.1; beyond it only with a password). */
  listen?: string;
  /** Host label of the engines (default: the hostname). */
  hostLabel?: string;
  /** Tuning of stalled-task recovery, passed to every engine. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** Environment of the engines (default: this process's). */
  env?: NodeJS.ProcessEnv;
}

export interface StartedEngine {
  readonly id: number;
  readonly pid: number;
  readonly child: ChildProcess;
}

export interface LaunchedCluster {
  readonly url: string;
  readonly password?: string;
  /** The private Redis, when the cluster started one. */
  readonly redis?: RunningRedis;
  readonly engines: StartedEngine[];
  /** Ends the engines, then the private Redis. Safe to call twice. */
  stop(): Promise<void>;
}

const ENGINE_READY_MS = 15_000;
const ENGINE_STOP_MS = 3000;

/** Loopback addresses need no password; anything else does (engines run the code clients send). */
export function checkListen(listen: string | undefined, password: string | undefined): void {
  const loopback = listen === undefined || listen === '127.0.0.1' || listen === 'localhost' || listen === '::1';
  if (!loopback && !password) {
    throw new Error(
      `listening on ${listen} needs a password (--password): engines run whatever code a client sends, ` +
        'so anyone who can reach this Redis could run programs on these machines',
    );
  }
}

export async function launchCluster(options: LaunchOptions = {}): Promise<LaunchedCluster> {
  checkListen(options.listen, options.password);
  const redis = options.url ? undefined : await startRedisServer({ host: options.listen, password: options.password });
  const url = options.url ?? redis!.url;
  const engines: StartedEngine[] = [];
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await Promise.all(engines.map(({ child }) => endChild(child)));
      if (redis) await redis.stop();
    })());
  try {
    const count = options.engines ?? 4;
    const started = await Promise.allSettled(Array.from({ length: count }, () => startEngine(url, options)));
    for (const result of started) if (result.status === 'fulfilled') engines.push(result.value);
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  } catch (error) {
    await stop();
    throw error;
  }
  engines.sort((a, b) => a.id - b.id);
  return { url, password: options.password, redis, engines, stop };
}

/** Forks one engine (engine-main.ts) and waits until it has joined. */
export async function startEngine(url: string, options: LaunchOptions = {}): Promise<StartedEngine> {
  const engineOptions: EngineOptions = {
    url,
    hostLabel: options.hostLabel,
    lockDurationMs: options.lockDurationMs,
    stalledIntervalMs: options.stalledIntervalMs,
  };
  const child = fork(compiledEntry('10-beyond-one-machine/engine-main.ts'), [JSON.stringify(engineOptions)], {
    execArgv: [],
    env: { ...(options.env ?? process.env), COURSE_KIT_REDIS_PASSWORD: options.password ?? '' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const id = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`an engine did not join within ${ENGINE_READY_MS / 1000} s`)), ENGINE_READY_MS);
      child.on('message', (message: { ready?: boolean; id?: number; error?: string }) => {
        clearTimeout(timer);
        if (message.ready) resolve(message.id!);
        else reject(new Error(`an engine could not start: ${message.error}`));
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`an engine exited (code ${code}) before joining the cluster`));
      });
    });
    // Let a program that forgets stop() end anyway: its engines follow it (they watch the IPC channel).
    child.unref();
    child.channel?.unref();
    return { id, pid: child.pid!, child };
  } catch (error) {
    await endChild(child);
    throw error;
  }
}

/** SIGTERM, then SIGKILL if it is still there after a while; resolves once it has exited. */
export async function endChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.ref(); // an unref'd child would let the program end before its exit is seen
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), ENGINE_STOP_MS);
  await exited;
  clearTimeout(timer);
}
