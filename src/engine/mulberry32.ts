/**
 * mulberry32: a tiny seeded generator of floats in [0, 1) (one 32-bit state
 * word, a few multiplies). The same seed gives the same numbers on every
 * machine: what the penguin race replays and the monitor's simulated sensor
 * shows a class. Plenty for simulations; not for cryptography.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
