/**
 * The seed's consumer loops `while not cola.empty(): cola.get()`. Checking and
 * then acting is a race: `empty()` is a snapshot, true at the moment it answers
 * and maybe false a moment later. A consumer that checks before the producer's
 * first item (it started first, or the producer takes time to make each item)
 * stops at once, and the items put afterwards are never taken.
 *
 * This lab runs the seed's two processes with a producer that takes `produceMs`
 * to make each item (real producers do work), and counts what the consumer
 * missed. The fix, in the notebook: loop over the queue, and close it when the
 * producer is done.
 */
import { checkOptions, checkPositiveInteger } from '../engine/validate.js';
import { Process } from './process.js';
import { Queue } from './queue.js';

export interface EmptyCheckRaceOptions {
  /** Items the producer puts (default 5, as in the seed). */
  items?: number;
  /** Milliseconds the producer takes to make each item (default 50). */
  produceMs?: number;
}

export interface EmptyCheckRace {
  /** What the consumer took before `empty()` stopped it. */
  received: string[];
  /** Items put and never taken. */
  missed: number;
  /** Whether the bug showed: the consumer stopped before the last item. */
  showed: boolean;
  /** One sentence on what happened. */
  verdict: string;
}

/** Runs the seed's producer and `while not empty()` consumer as two processes. */
export async function runEmptyCheckRace(options?: EmptyCheckRaceOptions): Promise<EmptyCheckRace> {
  const given = checkOptions(options, 'options');
  const items = checkPositiveInteger(given.items ?? 5, 'items');
  const produceMs = checkPositiveInteger(given.produceMs ?? 50, 'produceMs');
  const cola = new Queue<string>();
  const producer = new Process({
    target: async (queue: Queue<string>, count: number, ms: number) => {
      for (let item = 1; item <= count; item++) {
        await new Promise((resolve) => setTimeout(resolve, ms)); // making the item
        await queue.put(`Dato ${item}`);
      }
    },
    args: [cola, items, produceMs],
  });
  const consumer = new Process({
    target: async (queue: Queue<string>) => {
      const taken: string[] = [];
      while (!queue.empty()) taken.push(await queue.get()); // the seed's loop
      return taken;
    },
    args: [cola],
  });
  try {
    producer.start();
    consumer.start();
    const received = await consumer.join();
    await producer.join();
    const missed = items - received.length;
    const showed = missed > 0;
    const verdict = showed
      ? `The consumer found the queue empty and stopped after ${received.length} of ${items} items: ` +
        `the ${missed} put after its check were never taken.`
      : `This run the consumer took all ${items} items: each of its checks came while an item was ` +
        `waiting (the producer was ahead of it). Run it again.`;
    return { received, missed, showed, verdict };
  } finally {
    await Promise.all([producer, consumer].map((each) => (each.isAlive ? each.kill() : undefined)));
    await cola.dispose();
  }
}
