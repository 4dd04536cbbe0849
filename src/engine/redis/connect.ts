/**
 * Connecting to Redis, with errors a user can act on: an address that does not
 * answer fails within `timeoutMs` (5 s) saying so, instead of retrying for
 * ever; a wrong or missing password says that. Where the address comes from:
 * the `--redis` flag, else REDIS_URL, else none (the kit starts its own).
 */
import { Redis, type RedisOptions } from 'ioredis';

/** Redis could not be reached, or refused the password. */
export class RedisConnectError extends Error {
  override readonly name = 'RedisConnectError';
}

export interface ConnectOptions {
  password?: string;
  /** Give up after this long (ms, default 5000). */
  timeoutMs?: number;
  /** The connection's name (CLIENT SETNAME), shown by CLIENT LIST. */
  name?: string;
}

/** The `--redis` value, else REDIS_URL, else undefined (start an embedded Redis). */
export function redisUrlFrom(given?: string): string | undefined {
  const url = given ?? process.env.REDIS_URL;
  return url === undefined || url === '' ? undefined : url;
}

/** ioredis options for `url`: what BullMQ's `connection` wants too (no retry limit per command). */
export function bullConnection(url: string, password?: string): RedisOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RedisConnectError(`the Redis address must look like redis://host:port, got "${url}"`);
  }
  if (parsed.protocol !== 'redis:') throw new RedisConnectError(`the Redis address must start with redis://, got "${url}"`);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 6379),
    password: password ?? (parsed.password ? decodeURIComponent(parsed.password) : undefined),
    maxRetriesPerRequest: null,
  };
}

/** A ready ioredis client for `url`; rejects with RedisConnectError within `timeoutMs`. */
export async function connectRedis(url: string, options: ConnectOptions = {}): Promise<Redis> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const client: Redis = new Redis({
    ...bullConnection(url, options.password),
    connectionName: options.name,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    // Fail at once rather than retry a connection that was never made (reconnects later are fine).
    retryStrategy: (times) => (client.status === 'ready' || times > 1 ? Math.min(times * 200, 2000) : null),
  });
  // ioredis reports why a connection failed as 'error' events; connect() itself only says it closed.
  let cause: Error | undefined;
  client.on('error', (error: Error) => (cause = error));
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.connect(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      }),
    ]);
    await client.ping();
    return client;
  } catch (error) {
    client.disconnect();
    throw explain(url, cause ?? (error as Error), timeoutMs);
  } finally {
    clearTimeout(timer);
  }
}

function explain(url: string, error: Error, timeoutMs: number): RedisConnectError {
  const text = error.message;
  if (/NOAUTH|WRONGPASS|invalid password|Authentication required/i.test(text)) {
    return new RedisConnectError(`Redis at ${url} refused the password: give the right one with --password (or in the URL)`);
  }
  if (/ECONNREFUSED/.test(text)) return new RedisConnectError(`nothing answers at ${url} (connection refused): is Redis running there?`);
  if (/timeout|ETIMEDOUT/i.test(text)) return new RedisConnectError(`Redis at ${url} did not answer within ${timeoutMs / 1000} s`);
  return new RedisConnectError(`cannot reach Redis at ${url}: ${text}`);
}
