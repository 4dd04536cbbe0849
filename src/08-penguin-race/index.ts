/**
 * Unit 08, the penguin race: a central server arbitrates penguins racing to
 * the line while flies knock them back to the start; the same rules run on the
 * event loop (async tasks), on worker threads, on child processes, and over TCP.
 *
 *   const result = await runRace({ runtime: 'threads', penguins: 5, flies: 2, seed: 1 });
 *   const race = startRace({ onFrame: (snapshot) => display.update({ svg: renderTrackSvg(snapshot) }) });
 *   const comparison = await compareRuntimes({ penguins: 8 });   // figures + chart configs
 *
 * A seed with `clock: 'virtual'` replays the same race step for step, on every runtime.
 */
export { runRace, startRace, type RaceHandle, type RaceInfo } from './race.js';
export {
  normalizeRaceOptions,
  RaceOptionError,
  RUNTIMES,
  type RaceOptions,
  type NormalizedRaceOptions,
  type RaceRules,
  type RuntimeName,
  type ClockKind,
  type MsRange,
} from './options.js';
export { RaceServer, type TraceEvent } from './server.js';
/** The rules of the race (the seed's, plus named extra ones), as plain functions over a state. */
export * as rules from './rules.js';
export { Penguin, Fly, createActor, type Actor as RaceActor, type Action as RaceAction } from './actors.js';
export { VirtualClock, type VirtualRunEnd } from './virtual-clock.js';
export { RealClock, type Clock as RaceClock } from './clock.js';
export { createRandom, mulberry32, deriveSeed, type Random as SeededRandom } from './random.js';
export {
  raceData,
  latencyStats,
  standingsOf,
  type RaceResult,
  type LatencyStats,
  type Standing,
  type PenguinResult,
  type FlyResult,
  type WallFigures,
} from './results.js';
export { checkRaceInvariants } from './invariants.js';
export type { RaceSnapshot, PenguinView, FlyView, RaceEnd, Knockdown } from './snapshot.js';
export type { ActorReport, ActorInfo } from './runtime.js';
export type {
  MoveRequest,
  MoveReply,
  FlyReport,
  FlyReply,
  RaceRequest,
  RaceReply,
  ErrorReply as RaceErrorReply,
  Role as RaceRole,
} from './protocol.js';
export { summarizeComparison, type SummaryOptions } from './summary.js';
export { compareRuntimes, type CompareOptions, type RuntimeComparison, type RuntimeFigures } from './compare.js';
export { renderTrackText, renderTrackSvg, type TrackTextOptions, type TrackSvgOptions } from './track-view.js';
export { formatResults } from './results-table.js';
export { parseRaceArguments, parseMsRange, type RaceCommand } from './cli-arguments.js';
