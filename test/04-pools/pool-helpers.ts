/** Shared by the pool tests: every pool a test makes is terminated, also when the test fails. */
import { Pool, type PoolOptions } from '../../src/04-pools/pool.js';

export async function withPool<T>(options: PoolOptions, body: (pool: Pool) => Promise<T>): Promise<T> {
  const pool = new Pool(options);
  try {
    return await body(pool);
  } finally {
    await pool.terminate();
  }
}

/** A flag in shared memory: a worker can block on it until the test releases it. */
export function sharedFlag(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4));
}

export function release(flag: Int32Array): void {
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

/** Waits (without blocking the event loop) until `condition` holds, or fails after `ms`. */
export async function until(condition: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function collect<T>(iterator: AsyncIterable<T>): Promise<T[]> {
  const values: T[] = [];
  for await (const value of iterator) values.push(value);
  return values;
}
