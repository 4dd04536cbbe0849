/**
 * What a message costs: the same tiny tasks through a pool that sends one task
 * per message (the plain rule in pool.ts) and through one that sends batches
 * (the engine's fast path, src/engine/pool/dispatch.ts).
 *
 * Both pools run in the same rounds, taking turns, and the figure to read is the
 * median over rounds of batched / one-at-a-time: a busy moment of the machine
 * hits both sides of one round alike.
 */
import { checkOptions, checkPositiveInteger } from '../engine/validate.js';
import { Pool } from './pool.js';
import { median } from '../engine/median.js';

export interface DispatchCostOptions {
  /** Tiny tasks per run (default 20,000). */
  tasks?: number;
  /** Workers in each pool (default 2). */
  workers?: number;
  /** Rounds; each runs both pools once (default 5). */
  rounds?: number;
}

export interface DispatchCost {
  /** Median tasks per second, one task per message. */
  oneAtATime: number;
  /** Median tasks per second, batched. */
  batched: number;
  /** Median of the per-round ratios batched / one-at-a-time. */
  batchedOverOneAtATime: number;
}

const increment = (x: number) => x + 1;

/** Runs `tasks` calls of `x + 1` (one `apply` each) through both pools, in alternating rounds. */
export async function measureDispatchCost(options?: DispatchCostOptions): Promise<DispatchCost> {
  const given = checkOptions(options, 'options');
  const tasks = checkPositiveInteger(given.tasks ?? 20_000, 'tasks');
  const workers = checkPositiveInteger(given.workers ?? 2, 'workers');
  const rounds = checkPositiveInteger(given.rounds ?? 5, 'rounds');
  const pools = {
    oneAtATime: new Pool({ size: workers, dispatch: 'one-at-a-time' }),
    batched: new Pool({ size: workers, dispatch: 'batched' }),
  };
  const rates: Record<keyof typeof pools, number[]> = { oneAtATime: [], batched: [] };
  const inputs = Array.from({ length: tasks }, (_, i) => i);
  try {
    for (const pool of Object.values(pools)) await Promise.all(inputs.map((x) => pool.apply(increment, [x]))); // warm up
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? (['oneAtATime', 'batched'] as const) : (['batched', 'oneAtATime'] as const);
      for (const side of order) {
        const start = performance.now();
        await Promise.all(inputs.map((x) => pools[side].apply(increment, [x])));
        rates[side].push(tasks / ((performance.now() - start) / 1000));
      }
    }
  } finally {
    await Promise.all(Object.values(pools).map((pool) => pool.terminate()));
  }
  return {
    oneAtATime: median(rates.oneAtATime),
    batched: median(rates.batched),
    batchedOverOneAtATime: median(rates.batched.map((rate, round) => rate / rates.oneAtATime[round])),
  };
}
