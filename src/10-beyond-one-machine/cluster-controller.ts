/**
 * The background process of `npm run cluster -- start` (IPython's controller
 * and engines, started by `ipcluster start`): it starts the Redis and the
 * engines (launch.ts), writes the connection file, tells the command it is
 * ready, and stays until SIGTERM (`cluster stop`) or SIGINT. Then it ends the
 * engines and the Redis and removes the connection file.
 *
 * Options arrive as JSON in argv[2] (with the connection file's path), the
 * password in COURSE_KIT_REDIS_PASSWORD.
 */
import { RedisNotInstalledError } from '../engine/redis/index.js';
import { removeConnectionFile, writeConnectionFile } from './connection-file.js';
import { launchCluster, type LaunchOptions } from './launch.js';

const { file, ...options } = JSON.parse(process.argv[2] ?? '{}') as LaunchOptions & { file: string };
const password = process.env.COURSE_KIT_REDIS_PASSWORD || undefined;
delete process.env.COURSE_KIT_REDIS_PASSWORD;

const tell = (message: object): Promise<unknown> =>
  process.connected ? new Promise((resolve) => process.send!(message, undefined, {}, resolve)) : Promise.resolve();

try {
  const cluster = await launchCluster({ ...options, password });
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await cluster.stop();
    removeConnectionFile(file);
    process.exit(0);
  };
  process
    .on('SIGTERM', () => void stop())
    .on('SIGINT', () => void stop())
    .on('SIGHUP', () => void stop());
  writeConnectionFile(file, {
    url: cluster.url,
    password,
    controllerPid: process.pid,
    redisPid: cluster.redis?.pid,
    enginePids: cluster.engines.map((engine) => engine.pid),
    startedAt: new Date().toISOString(),
  });
  await tell({ ready: true, url: cluster.url, engines: cluster.engines.map((engine) => engine.id) });
  if (process.connected) process.disconnect();
  setInterval(() => {}, 1 << 30); // stay until told to stop
} catch (error) {
  await tell({ error: (error as Error).message, notInstalled: error instanceof RedisNotInstalledError });
  process.exit(1);
}
