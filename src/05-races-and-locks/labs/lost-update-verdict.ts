/**
 * Did this run of the counter race lose updates, and if not, why not?
 *
 * A race loses updates only while two loops run at the same moment. So besides
 * the count, a verdict looks at when each worker's loop started and ended (its
 * span) and says how long at least two of them overlapped. A run that lost
 * nothing is then explained instead of left to puzzle over: the loops did not
 * overlap at all (one finished before the next started: a late start, or too
 * few free cores), or they did overlap and the losing interleavings just did not
 * happen this time.
 */
import { availableParallelism } from 'node:os';

/** What one run of the lost-update race showed. */
export interface LostUpdateVerdict {
  /** What the counter should read if no update were lost. */
  readonly expected: number;
  /** What it read. */
  readonly final: number;
  /** expected - final. */
  readonly lostUpdates: number;
  /** The bug showed: at least one update was lost. */
  readonly bugShown: boolean;
  /** How long at least two loops ran at once, ms (undefined when no spans were given). */
  readonly overlapMs: number | undefined;
  /** One sentence: what was lost, or why nothing was. */
  readonly explanation: string;
}

/**
 * Milliseconds during which at least two of the loops ran at the same time.
 * `spans` holds a [start, end] pair per loop, one after the other (a pair of
 * zeros is a loop that never ran).
 */
export function loopOverlapMs(spans: ArrayLike<number>): number {
  const events: [number, number][] = [];
  for (let i = 0; i + 1 < spans.length; i += 2) {
    const [start, end] = [spans[i], spans[i + 1]];
    if (end > start) events.push([start, 1], [end, -1]);
  }
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let running = 0;
  let overlap = 0;
  let since = 0;
  for (const [time, change] of events) {
    if (running >= 2) overlap += time - since;
    running += change;
    since = time;
  }
  return overlap;
}

/** The verdict on one run: `spans` as for loopOverlapMs (optional, but only with it can a run that lost nothing say why). */
export function lostUpdateVerdict(
  expected: number,
  final: number,
  spans?: ArrayLike<number>,
  cores: number = availableParallelism(),
): LostUpdateVerdict {
  const lostUpdates = expected - final;
  const overlapMs = spans === undefined ? undefined : loopOverlapMs(spans);
  const overlap = overlapMs === undefined ? '' : `: the loops ran at the same time for ${overlapMs.toFixed(1)} ms`;
  let explanation: string;
  if (lostUpdates > 0) {
    explanation = `${lostUpdates.toLocaleString('en-US')} updates lost${overlap}`;
  } else if (overlapMs === undefined) {
    explanation = 'this run lost no update: the loops may not have overlapped (no start and end times to tell); run again';
  } else if (overlapMs === 0) {
    explanation =
      'this run lost no update: the loops did not overlap (each one ended before the next began: ' +
      `a late start, or fewer free cores than workers; this machine offers ${cores}); run again`;
  } else {
    explanation =
      `this run lost no update, although the loops overlapped for ${overlapMs.toFixed(1)} ms: ` +
      'no two workers read the same value (on a busy machine they may have taken turns on one core ' +
      'instead of running together); run again';
  }
  return { expected, final, lostUpdates, bugShown: lostUpdates > 0, overlapMs, explanation };
}
