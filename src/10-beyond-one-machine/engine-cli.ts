/**
 * `npm run engine -- --redis URL [--password P] [--host-label NAME]`: one engine
 * that joins a cluster from this machine, as `ipengine` does, and serves until
 * Ctrl-C (or until its Redis goes away). Start as many as the machine has cores.
 *
 *   engine 4 joined redis://10.0.0.5:6379 as "lab-pc-7" (pid 12345); Ctrl-C to stop
 *
 * Without --redis, REDIS_URL is used. An address that does not answer, or a
 * wrong password: one line, exit code 1, within 5 s. A bad option: exit code 2.
 */
import { parseCommandLine, runCommand, UsageError } from '../engine/command-line.js';
import { redisUrlFrom } from '../engine/redis/index.js';
import { serveEngine } from './engine.js';

const USAGE = 'usage: npm run engine -- --redis redis://HOST:PORT [--password P] [--host-label NAME]';

export async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseCommandLine(argv, {
    options: { redis: { type: 'string' }, password: { type: 'string' }, 'host-label': { type: 'string' } },
    usage: USAGE,
  });
  const url = redisUrlFrom(values.redis);
  if (url === undefined) throw new UsageError(`--redis is needed (or REDIS_URL): the address of the cluster's Redis; ${USAGE}`);
  if (!/^redis:\/\/[^/\s]+/.test(url)) throw new UsageError(`--redis must look like redis://host:port, got "${url}"`);
  return serveEngine({ url, password: values.password, hostLabel: values['host-label'] }, (engine) => {
    const { id, host, pid } = engine.info;
    console.log(`engine ${id} joined ${url} as "${host}" (pid ${pid}); Ctrl-C to stop`);
  });
}

await runCommand(() => main(process.argv.slice(2)), { label: 'engine', otherErrorsExitCode: 1 });
process.exit(); // the engine has ended: do not wait for sockets still closing
