/**
 * `npm run cluster -- start -n 4 | status | stop`: the counterpart of
 * `ipcluster start -n 4`.
 *
 *   start -n 4 [--redis URL] [--password P] [--listen HOST] [--host-label NAME]
 *       starts, in the background, a private Redis (unless --redis) and 4 engines,
 *       writes the connection file that Client.connect() reads, prints the address.
 *   status   the address and the live engines.
 *   stop     ends everything `start` started; with nothing running, says so (exit 0).
 *
 * By default the private Redis listens on 127.0.0.1 only. `--listen 0.0.0.0`
 * lets engines on other machines join (`npm run engine -- --redis URL`), and
 * needs --password: engines run whatever code a client sends them.
 * A bad option: one line naming it, exit code 2 (also when redis-server is
 * not installed: the line says how to install it).
 */
import { fork } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { compiledEntry } from '../paths.js';
import { parseCommandLine, readOneOf, readWholeNumber, runCommand, UsageError } from '../engine/command-line.js';
import { redisUrlFrom } from '../engine/redis/index.js';
import { Client } from './client.js';
import { defaultConnectionFile, readConnectionFile, removeConnectionFile, type ConnectionFile } from './connection-file.js';
import { checkListen } from './launch.js';

const USAGE =
  'usage: npm run cluster -- start [-n ENGINES] [--redis URL] [--password P] [--listen HOST] [--host-label NAME] | status | stop';
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

export async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, {
    options: {
      engines: { type: 'string', short: 'n' },
      redis: { type: 'string' },
      password: { type: 'string' },
      listen: { type: 'string' },
      'host-label': { type: 'string' },
    },
    allowPositionals: true,
    usage: USAGE,
  });
  if (positionals.length !== 1) throw new UsageError(`give one command: start, status or stop; ${USAGE}`);
  const command = readOneOf(positionals[0], 'the command', ['start', 'status', 'stop']);
  const file = defaultConnectionFile();
  if (command !== 'start') {
    const extra = Object.keys(values)[0];
    if (extra) throw new UsageError(`--${extra} is an option of start, not of ${command}`);
    return command === 'stop' ? stop(file) : status(file);
  }
  const engines = values.engines === undefined ? 4 : readWholeNumber(values.engines, '-n (engines)', 1);
  const url = redisUrlFrom(values.redis);
  if (url !== undefined && !/^redis:\/\/[^/\s]+/.test(url)) throw new UsageError(`--redis must look like redis://host:port, got "${url}"`);
  if (url !== undefined && values.listen !== undefined) {
    throw new UsageError('--listen is for the Redis the cluster starts itself; with --redis, that Redis decides where it listens');
  }
  try {
    checkListen(values.listen, values.password);
  } catch (error) {
    throw new UsageError(`--listen ${values.listen} needs --password: ${(error as Error).message.replace(/^.*?: /, '')}`);
  }
  return start(file, { engines, url, password: values.password, listen: values.listen, hostLabel: values['host-label'] });
}

interface StartOptions {
  engines: number;
  url?: string;
  password?: string;
  listen?: string;
  hostLabel?: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The running cluster's file, or undefined (a file left by a cluster that died is removed). */
function running(file: string): ConnectionFile | undefined {
  const found = readConnectionFile(file);
  if (found && !alive(found.controllerPid)) {
    removeConnectionFile(file);
    return undefined;
  }
  return found;
}

async function start(file: string, options: StartOptions): Promise<number> {
  const existing = running(file);
  if (existing) {
    console.error(`cluster: one is already running at ${existing.url} (pid ${existing.controllerPid}): npm run cluster -- stop first`);
    return 1;
  }
  const { password, ...rest } = options;
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const log = openSync(file.replace(/\.json$/, '') + '.log', 'a');
  const controller = fork(compiledEntry('10-beyond-one-machine/cluster-controller.ts'), [JSON.stringify({ ...rest, file })], {
    detached: true, // its own process group: Ctrl-C in this terminal later does not reach it
    execArgv: [],
    env: { ...process.env, COURSE_KIT_REDIS_PASSWORD: password ?? '' },
    stdio: ['ignore', log, log, 'ipc'],
  });
  type Reply = { ready?: boolean; url?: string; engines?: number[]; error?: string; notInstalled?: boolean };
  const reply = await new Promise<Reply>((resolve) => {
    const timer = setTimeout(() => resolve({ error: `the cluster did not start within ${START_TIMEOUT_MS / 1000} s` }), START_TIMEOUT_MS);
    controller.once('message', (message: Reply) => resolve(message));
    controller.once('exit', (code) => resolve({ error: `the cluster's process exited (code ${code}) before it was ready` }));
    controller.once('message', () => clearTimeout(timer)).once('exit', () => clearTimeout(timer));
  });
  if (!reply.ready) {
    if (controller.exitCode === null) controller.kill('SIGTERM');
    if (reply.notInstalled) throw new UsageError(reply.error!);
    console.error(`cluster: ${reply.error}`);
    return 1;
  }
  controller.disconnect();
  controller.unref();
  console.log(`cluster started: ${reply.engines!.length} engines (ids ${reply.engines!.join(', ')}), Redis at ${reply.url}`);
  console.log(`connection file: ${file} (Client.connect() reads it); stop with: npm run cluster -- stop`);
  if (options.listen && !['127.0.0.1', 'localhost', '::1'].includes(options.listen)) {
    console.log(`other machines join with: npm run engine -- --redis ${reply.url} --password <the password>`);
  }
  return 0;
}

async function stop(file: string): Promise<number> {
  const found = running(file);
  if (!found) {
    console.log(`no cluster is running (no connection file at ${file})`);
    return 0;
  }
  process.kill(found.controllerPid, 'SIGTERM');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (alive(found.controllerPid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  if (alive(found.controllerPid)) {
    // It did not end in time: end what it started directly.
    for (const pid of [found.controllerPid, ...found.enginePids, ...(found.redisPid ? [found.redisPid] : [])]) {
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  }
  removeConnectionFile(file);
  console.log(`cluster stopped (${found.enginePids.length} engines${found.redisPid ? ' and its Redis' : ''})`);
  return 0;
}

async function status(file: string): Promise<number> {
  const found = running(file);
  if (!found) {
    console.log(`no cluster is running (no connection file at ${file})`);
    return 0;
  }
  const client = await Client.connect({ url: found.url, password: found.password });
  try {
    console.log(`cluster at ${found.url} (pid ${found.controllerPid}, started ${found.startedAt}), ${client.ids.length} engines alive:`);
    for (const engine of client.engines) console.log(`  engine ${engine.id}  host ${engine.host}  pid ${engine.pid}`);
  } finally {
    await client.close();
  }
  return 0;
}

await runCommand(() => main(process.argv.slice(2)), { label: 'cluster', otherErrorsExitCode: 1 });
