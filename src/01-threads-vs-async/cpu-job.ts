/**
 * A CPU-bound job for the demos and measurements: a loop of square roots,
 * calibrated on this machine to take about as long as asked. Real work, so
 * threads beyond the core count only take turns (unit 01), and a pool's
 * speedup is measured on it (unit 04).
 */
import { checkPositiveInteger } from '../engine/validate.js';

/** The job: `rounds` square roots. Self-contained, so it can be sent to workers. */
export function computeJob(rounds: number): number {
  let sum = 0;
  for (let i = 0; i < rounds; i++) sum += Math.sqrt(i);
  return sum;
}

/**
 * How many rounds of `computeJob` take about `ms` milliseconds on this thread,
 * once the JIT has optimized it (a first, cold measurement would make every
 * later job much shorter than asked).
 */
export function calibrateJob(ms: number): number {
  checkPositiveInteger(ms, 'ms');
  const measure = (rounds: number): number => {
    const start = performance.now();
    computeJob(rounds);
    return performance.now() - start;
  };
  let rounds = 1_000_000;
  while (measure(rounds) < 30) rounds *= 2;
  // Now warm: measure again over at least 30 ms and keep the fastest of three.
  const elapsed = Math.min(measure(rounds), measure(rounds), measure(rounds));
  return Math.max(1, Math.round((rounds * ms) / elapsed));
}
