/**
 * A real redis-server for a test file: start it in `before`, stop it in `after`.
 * It is started without the test run's leftover marker (see no-leftovers.ts),
 * since it belongs to the whole file, not to the test running when it started;
 * its keeper still ends it if this process dies.
 */
import { startRedisServer, type RedisServerOptions, type RunningRedis } from '../../src/engine/redis/index.js';

const MARKER = 'COURSE_KIT_TEST_RUN';

/** This process's environment without the leftover marker: for processes that belong to a whole test file. */
export function envWithoutMarker(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env[MARKER];
  return env;
}

export function startTestRedis(options: RedisServerOptions = {}): Promise<RunningRedis> {
  return startRedisServer({ ...options, env: envWithoutMarker() });
}
