/**
 * A private redis-server for the kit (unit 10's cluster and streams, and their
 * tests): started on a free loopback port, in a temporary folder of its own,
 * with no persistence (nothing is saved to disk), and ended with stop(), or by
 * its keeper (redis-keeper.ts) as soon as the program that started it is gone,
 * however it ended. A password, and an address beyond loopback, are options.
 */
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { compiledEntry } from '../../paths.js';

export interface RedisServerOptions {
  /** Require this password (AUTH). Default: none. */
  password?: string;
  /** Address to listen on. Default '127.0.0.1': nothing beyond this machine. */
  host?: string;
  /** Default: a free port. */
  port?: number;
  /** Environment of the server and its keeper (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** How long to wait for the server to be ready (ms, default 10,000). */
  timeoutMs?: number;
}

export interface RunningRedis {
  /** e.g. redis://127.0.0.1:40123 (the password is not in it). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly password?: string;
  /** The redis-server's process id. */
  readonly pid: number;
  /** Ends the server and removes its folder; safe to call twice. */
  stop(): Promise<void>;
}

/** redis-server is not on this machine. */
export class RedisNotInstalledError extends Error {
  override readonly name = 'RedisNotInstalledError';
  constructor() {
    super('redis-server was not found: install it with "sudo apt-get install redis-server" (or npm run setup), or pass --redis URL');
  }
}

/** Whether a `redis-server` executable is on the PATH. */
export function redisServerInstalled(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.PATH ?? '').split(delimiter).some((folder) => folder && existsSync(join(folder, 'redis-server')));
}

/** Starts a private redis-server; see the top of this file. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RunningRedis> {
  const env = options.env ?? process.env;
  if (!redisServerInstalled(env)) throw new RedisNotInstalledError();
  const host = options.host ?? '127.0.0.1';
  let lastError: Error | undefined;
  // A free port found now may be taken by the time redis binds it: try again with another.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = options.port ?? (await freePort(host));
    try {
      return await launch(host, port, options, env);
    } catch (error) {
      lastError = error as Error;
      if (options.port !== undefined || !/in use/i.test(lastError.message)) break;
    }
  }
  throw lastError!;
}

async function launch(host: string, port: number, options: RedisServerOptions, env: NodeJS.ProcessEnv): Promise<RunningRedis> {
  const folder = mkdtempSync(join(tmpdir(), 'course-kit-redis-'));
  const args = ['--port', String(port), '--bind', host, '--save', '', '--appendonly', 'no', '--dir', folder];
  args.push('--protected-mode', host === '127.0.0.1' || host === 'localhost' ? 'yes' : 'no');
  if (options.password !== undefined) args.push('--requirepass', options.password);
  const keeper = fork(compiledEntry('engine/redis/redis-keeper.ts'), [JSON.stringify({ args, folder })], {
    env,
    execArgv: [], // not this program's own flags (node -e ... would run its script again)
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => keeper.once('exit', () => resolve()));
  const timeoutMs = options.timeoutMs ?? 10_000;
  let pid: number;
  try {
    pid = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server was not ready within ${timeoutMs} ms`)), timeoutMs);
      keeper.on('message', (message: { ready?: boolean; pid?: number; error?: string }) => {
        clearTimeout(timer);
        if (message.ready) resolve(message.pid!);
        else if (message.error) reject(new Error(message.error));
      });
      keeper.once('exit', () => reject(new Error('the redis-server keeper ended before the server was ready')));
    });
  } catch (error) {
    keeper.kill('SIGKILL');
    await exited;
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
  keeper.unref();
  keeper.channel?.unref();
  let stopping: Promise<void> | undefined;
  return {
    url: `redis://${host}:${port}`,
    host,
    port,
    password: options.password,
    pid,
    stop() {
      stopping ??= (async () => {
        // Whoever awaits stop() is kept alive until the server is gone (the keeper is unref'd until now).
        keeper.ref();
        if (keeper.exitCode === null && keeper.signalCode === null && keeper.connected) keeper.send({ stop: true });
        await exited;
      })();
      return stopping;
    },
  };
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
