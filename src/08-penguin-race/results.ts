/**
 * A race's result: the same shape on every runtime. It holds the ranking,
 * the standings (also of penguins still running when a race is cut short),
 * knockdowns per penguin, message counts, latency per request, each actor's own
 * count of requests and replies, and, under `wall`, the real-time figures
 * (start-up, throughput, memory) that differ from run to run.
 *
 * Everything outside `wall` is race data: with the virtual clock and a seed it
 * is identical from run to run, and from runtime to runtime.
 */
import type { ClockKind, RaceRules, RuntimeName } from './options.js';
import type { ActorReport } from './runtime.js';
import type { RaceServer, TraceEvent } from './server.js';
import type { RaceEnd } from './snapshot.js';

export interface LatencyStats {
  count: number;
  minMs: number;
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** counts[i] requests took from edgesMs[i] (included) to edgesMs[i + 1] (excluded); the last bin is open. */
  histogram: { edgesMs: number[]; counts: number[] };
}

export interface PenguinResult {
  id: number;
  position: number;
  place?: number;
  /** Race time (ms) at which it crossed the line. */
  finishedAt?: number;
  knockdowns: number;
  /** Moves it asked for while racing; granted + denied. */
  requests: number;
  granted: number;
  denied: number;
  /** Why it dropped out, if it did. */
  retired?: string;
  meanLatencyMs: number;
}

export interface FlyResult {
  id: number;
  position?: number;
  target: number;
  moves: number;
  knockdowns: number;
  retired?: string;
}

/** One row of the standings: finished penguins by place, then the rest by position, then dropouts. */
export interface Standing {
  rank: number;
  penguin: number;
  place?: number;
  position: number;
  knockdowns: number;
  retired?: string;
}

export interface WallFigures {
  /** Real ms from startRace() until every actor was ready. */
  startupMs: number;
  /** Real ms from the start signal to the end of the race. */
  raceMs: number;
  requestsPerSecond: number;
  messagesPerSecond: number;
  /** Memory used by the race once every actor was ready (this process's growth + every child's), MB. */
  memoryMb: number;
  /** Request round trips as the actors measured them (real ms: transport both ways + delay + lock). */
  roundTrip: LatencyStats;
}

export interface RaceResult {
  runtime: RuntimeName;
  clock: ClockKind;
  rules: RaceRules;
  ended: RaceEnd;
  /** Race time (ms) at the end. */
  timeMs: number;
  ranking: Array<{ place: number; penguin: number; timeMs: number }>;
  standings: Standing[];
  penguins: PenguinResult[];
  flies: FlyResult[];
  knockdowns: number;
  messages: { received: number; sent: number; requests: number; replies: number; errors: number };
  latency: LatencyStats;
  actors: ActorReport[];
  wall: WallFigures;
  trace?: TraceEvent[];
  /** Set when the race ended with an error (ended === 'error'). */
  error?: string;
}

const HISTOGRAM_EDGES_MS = [0, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];

/** Summary statistics and a histogram of latencies in ms. */
export function latencyStats(values: readonly number[]): LatencyStats {
  const counts = HISTOGRAM_EDGES_MS.map(() => 0);
  for (const value of values) {
    let bin = HISTOGRAM_EDGES_MS.length - 1;
    while (bin > 0 && value < HISTOGRAM_EDGES_MS[bin]) bin--;
    counts[bin]++;
  }
  const histogram = { edgesMs: [...HISTOGRAM_EDGES_MS], counts };
  if (values.length === 0) return { count: 0, minMs: 0, meanMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, maxMs: 0, histogram };
  const sorted = Float64Array.from(values).sort();
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  let total = 0;
  for (const value of sorted) total += value;
  return {
    count: sorted.length,
    minMs: sorted[0],
    meanMs: total / sorted.length,
    p50Ms: at(0.5),
    p90Ms: at(0.9),
    p99Ms: at(0.99),
    maxMs: sorted[sorted.length - 1],
    histogram,
  };
}

/** Finished by place, then still racing by position (ties: fewer knockdowns, then id), then dropouts. */
export function standingsOf(penguins: readonly PenguinResult[]): Standing[] {
  const group = (p: PenguinResult): number => (p.place !== undefined ? 0 : p.retired === undefined ? 1 : 2);
  return [...penguins]
    .sort(
      (a, b) =>
        group(a) - group(b) || (a.place ?? 0) - (b.place ?? 0) || b.position - a.position || a.knockdowns - b.knockdowns || a.id - b.id,
    )
    .map((p, index) => ({
      rank: index + 1,
      penguin: p.id,
      place: p.place,
      position: p.position,
      knockdowns: p.knockdowns,
      retired: p.retired,
    }));
}

export interface ResultParts {
  runtime: RuntimeName;
  server: RaceServer;
  actors: ActorReport[];
  wall: Omit<WallFigures, 'requestsPerSecond' | 'messagesPerSecond' | 'roundTrip'>;
  error?: unknown;
}

export function buildResult({ runtime, server, actors, wall, error }: ResultParts): RaceResult {
  const penguins: PenguinResult[] = server.penguins.map((p, id) => ({
    id,
    position: p.position,
    place: p.place,
    finishedAt: p.finishedAt,
    knockdowns: p.knockdowns,
    requests: p.requests,
    granted: p.granted,
    denied: p.denied,
    retired: p.retired,
    meanLatencyMs: p.answered === 0 ? 0 : p.latencyTotalMs / p.answered,
  }));
  const seconds = Math.max(wall.raceMs, 1e-3) / 1000;
  const messages = { ...server.messages };
  const result: RaceResult = {
    runtime,
    clock: server.rules.clock,
    rules: server.rules,
    ended: server.ended ?? 'error',
    timeMs: server.endedAt ?? server.clock.now(),
    ranking: server.finishOrder.map((penguin, index) => ({ place: index + 1, penguin, timeMs: server.penguins[penguin].finishedAt ?? 0 })),
    standings: standingsOf(penguins),
    penguins,
    flies: server.flies.map((f, id) => ({
      id,
      position: f.position,
      target: f.target,
      moves: f.moves,
      knockdowns: f.knockdowns,
      retired: f.retired,
    })),
    knockdowns: server.knockdowns,
    messages,
    latency: latencyStats(server.latencies),
    actors: actors.map(({ roundTripsMs: _roundTrips, ...report }) => report),
    wall: {
      ...wall,
      roundTrip: latencyStats(actors.flatMap((actor) => actor.roundTripsMs ?? [])),
      requestsPerSecond: messages.replies / seconds,
      messagesPerSecond: (messages.received + messages.sent) / seconds,
    },
  };
  if (server.trace) result.trace = server.trace;
  if (error !== undefined) result.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return result;
}

/** The result without `wall` (the real-time figures): what a replay must reproduce exactly. */
export function raceData(result: RaceResult): Omit<RaceResult, 'wall'> {
  const { wall: _wall, ...data } = result;
  return data;
}
