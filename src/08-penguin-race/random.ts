/**
 * Seeded randomness for the race: the same seed gives the same numbers, in
 * every runtime and on every machine, so a race can be replayed.
 *
 * mulberry32 is a tiny 32-bit generator (one state word, a few multiplies):
 * plenty for a simulation, not for cryptography. Every actor (the server, each
 * penguin, each fly) gets its OWN stream, derived from the race seed and the
 * actor's name: a penguin's choices then do not depend on how the runtime
 * interleaves the other actors, only on the replies it gets.
 */
import { mulberry32 } from '../engine/mulberry32.js';

export { mulberry32 };

/** A source of pseudo-random numbers from one seed. */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max] (both included). */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** A number in the range [min, max] (an integer when both ends are integers). */
  inRange(range: readonly [number, number]): number;
}

/** A seed for one actor, mixed from the race seed and the actor's name (e.g. "penguin", 3). */
export function deriveSeed(seed: number, ...parts: Array<string | number>): number {
  // FNV-1a over the text, then a final avalanche (murmur3's fmix32).
  let hash = 0x811c9dc5 ^ (seed >>> 0) ^ Math.floor(seed / 4294967296);
  for (const char of parts.join('/')) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/** A Random over mulberry32 seeded with `seed`. */
export function createRandom(seed: number): Random {
  const next = mulberry32(seed);
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    chance: (p) => p > 0 && next() < p,
    inRange: ([min, max]) => {
      if (min === max) return min;
      return Number.isInteger(min) && Number.isInteger(max) ? int(min, max) : min + next() * (max - min);
    },
  };
}
