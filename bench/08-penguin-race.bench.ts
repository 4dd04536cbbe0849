/**
 * Unit 08: the penguin race at scale, and what each transport costs.
 *
 * 1. Scale: the async runtime runs 10,000 penguins and 2 flies to the end (under
 *    the seed's rules a fly knocks back every penguin on its cell: with 10,000
 *    penguins on 50 cells, each landing sends about 200 back, so more flies
 *    keep the crowd from ever finishing);
 *    threads run 64 penguins (64 + 8 worker threads), processes and net 32
 *    (32 + 4 child processes). Goal: every race ends 'finished'.
 * 2. Speed: server requests handled per second with zero latency and no pauses
 *    (the actors ask again as soon as they get a reply), on each runtime, as a
 *    ratio to the async runtime running the same race in the same run.
 * Real clock throughout; race time only (start-up is reported separately).
 */
import { runRace } from '../src/08-penguin-race/race.js';
import type { RaceOptions, RuntimeName } from '../src/08-penguin-race/options.js';
import type { RaceResult } from '../src/08-penguin-race/results.js';
import { printTable, type BenchRow } from './report.js';
import { sideBySide } from './side-by-side.js';

const FAST: RaceOptions = { latencyMs: 0, thinkMs: 0, flyIntervalMs: 0, clock: 'real', seed: 1, timeLimitMs: 120_000 };

async function race(runtime: RuntimeName, penguins: number, flies: number, length: number): Promise<RaceResult> {
  const result = await runRace({ ...FAST, runtime, penguins, flies, length });
  const { wall } = result;
  console.log(
    `${runtime.padEnd(9)} ${String(penguins).padStart(6)} penguins ${String(flies).padStart(4)} flies: ${result.ended}, ` +
      `${result.messages.requests} requests in ${(wall.raceMs / 1000).toFixed(2)} s, start-up ${wall.startupMs.toFixed(0)} ms, ` +
      `${wall.memoryMb.toFixed(0)} MB, round trip p50 ${wall.roundTrip.p50Ms.toFixed(3)} ms p99 ${wall.roundTrip.p99Ms.toFixed(3)} ms`,
  );
  return result;
}

const rows: BenchRow[] = [];

// 1. Scale.
const huge = await race('async', 10_000, 2, 50);
rows.push({
  benchmark: 'async: 10,000 penguins + 2 flies to the end',
  value: huge.wall.requestsPerSecond,
  unit: 'requests/s',
  goal: "ends 'finished'",
  met: huge.ended === 'finished' && huge.ranking.length === 10_000,
});

// 2. Speed: the same race (32 penguins, 4 flies, track 300) on every runtime; threads also at 64,
// side by side with the async race in interleaved rounds (bench/side-by-side.ts).
const SPEED_ROUNDS = 3;
const compared: Array<[RuntimeName, number, number]> = [
  ['threads', 32, 4],
  ['threads', 64, 8],
  ['processes', 32, 4],
  ['net', 32, 4],
];
const finishedAll: string[] = [];
/** Requests per second of one race; a race that does not finish is noted and fails its row. */
const speedOf = (runtime: RuntimeName, penguins: number, flies: number) => async () => {
  const result = await race(runtime, penguins, flies, 300);
  if (result.ended !== 'finished' || result.ranking.length !== penguins) finishedAll.push(`${runtime} ${penguins}`);
  return result.wall.requestsPerSecond;
};
const sides = Object.fromEntries([
  ['async 32', speedOf('async', 32, 4)],
  ...compared.map(([runtime, penguins, flies]) => [`${runtime} ${penguins}`, speedOf(runtime, penguins, flies)]),
]) as Record<string, () => Promise<number>>;
const speed = await sideBySide(sides, 'async 32', SPEED_ROUNDS);
rows.push({
  benchmark: `async: 32 penguins + 4 flies, requests/s (the baseline, median of ${SPEED_ROUNDS})`,
  value: speed.median['async 32'],
  unit: 'requests/s',
  goal: "ends 'finished'",
  met: !finishedAll.includes('async 32'),
});
for (const [runtime, penguins, flies] of compared) {
  const name = `${runtime} ${penguins}`;
  rows.push({
    benchmark: `${runtime}: ${penguins} penguins + ${flies} flies, requests/s`,
    value: speed.median[name],
    unit: 'requests/s',
    baseline: 'async, 32 penguins',
    baselineValue: speed.median['async 32'],
    ratio: speed.ratio[name],
    goal: "ends 'finished'",
    met: !finishedAll.includes(name),
  });
}

printTable(
  'Penguin race: scale, and server requests per second with zero latency (ratio: runtime / async, median of per-round ratios)',
  rows,
);
