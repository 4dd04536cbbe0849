/**
 * Redis for the kit: a private server (redis-server.ts) and connections with
 * clear errors (connect.ts). Tests start their Redis with
 * test/harness/test-redis.ts (which keeps it out of the leftover check, since it
 * belongs to a whole test file).
 */
export {
  startRedisServer,
  redisServerInstalled,
  RedisNotInstalledError,
  type RedisServerOptions,
  type RunningRedis,
} from './redis-server.js';
export { connectRedis, bullConnection, redisUrlFrom, RedisConnectError, type ConnectOptions } from './connect.js';
