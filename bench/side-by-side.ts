/**
 * One way to compare the kit with a baseline: interleaved rounds in one process.
 *
 * Each round runs every side once, in an order that rotates from round to round
 * (so neither side always runs first, on a cold or warm machine), and computes
 * the ratio of each side to the baseline within that round. The figure reported
 * is the median of those per-round ratios: a burst of load from another process
 * hits both sides of one round, and the median drops the rounds it spoiled.
 */
import { median } from '../src/engine/median.js';

/** One measured side: returns its figure for one run (a rate, or a time). */
export type Side = () => Promise<number>;

export interface SideBySide<Name extends PropertyKey> {
  /** Median of each side's own figures. */
  median: Record<Name, number>;
  /** Median over rounds of (side / baseline) in that round. */
  ratio: Record<Name, number>;
  /** Every round's figures, for whoever wants the spread. */
  rounds: Record<Name, number>[];
}

export { median };

/**
 * Runs `sides` in `rounds` interleaved rounds; `baseline` names the side every
 * ratio is taken against. Figures are whatever the sides return (use rates, where
 * higher is better, or times: the ratio is side / baseline either way).
 */
export async function sideBySide<Sides extends Record<string, Side>>(
  sides: Sides,
  baseline: keyof Sides & string,
  rounds: number,
): Promise<SideBySide<keyof Sides & string>> {
  type Name = keyof Sides & string;
  const names = Object.keys(sides) as Name[];
  if (!names.includes(baseline)) throw new Error(`baseline "${baseline}" is not one of the sides (${names.join(', ')})`);
  const figures: Record<Name, number>[] = [];
  for (let round = 0; round < rounds; round++) {
    const figure = {} as Record<Name, number>;
    for (let step = 0; step < names.length; step++) {
      const name = names[(round + step) % names.length];
      figure[name] = await sides[name]();
    }
    figures.push(figure);
  }
  const medianOf = (pick: (figure: Record<Name, number>) => number) => median(figures.map(pick));
  const result = { median: {}, ratio: {}, rounds: figures } as SideBySide<Name>;
  for (const name of names) {
    result.median[name] = medianOf((figure) => figure[name]);
    result.ratio[name] = medianOf((figure) => figure[name] / figure[baseline]);
  }
  return result;
}

/** Median over rounds of (side / other side) in that round: a ratio against a second baseline. */
export function ratioTo<Name extends string>(result: SideBySide<Name>, side: Name, baseline: Name): number {
  return median(result.rounds.map((figure) => figure[side] / figure[baseline]));
}

/** Items (or tasks) per second of one run of `work`, which handles `count` of them. */
export async function ratePerSecond(count: number, work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return count / ((performance.now() - start) / 1000);
}

/** Milliseconds one run of `work` takes. */
export async function milliseconds(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}
