/**
 * The rules of the race, in one place: plain synchronous functions over a
 * plain state (a `Track`). No clock, no messages, no lock, no await: whoever
 * calls them decides when (the server, under its lock, on every runtime; the
 * exercise's arbiter; a test replaying a log one step at a time).
 *
 * The seed's rules are the defaults:
 * - a penguin asks to move `step` cells; it moves from where it really is, to
 *   min(L, position + step). Reaching L records its place, once;
 * - a fly sits on any cell of the track and may move anywhere; when a fly and
 *   a penguin meet on a cell (the fly lands on it, or it lands on the fly),
 *   that penguin, whichever it is, goes back to the start.
 *
 * Extra rules, each off unless named (the seed has none of them):
 * - `denyRate`: the server refuses a move at random ('busy'), like an overloaded server;
 * - `refuseStale`: a move asked from a cell the penguin is no longer on (it was
 *   knocked back while the request traveled) is refused ('stale');
 * - `homingFlies`: a fly flies toward the penguin it hunts and stays off the
 *   start and the line (the actors read it; here it only narrows the cells).
 */
import type { Random } from './random.js';

/** A penguin as the rules see it (the server's own record may carry more). */
export interface RacerState {
  position: number;
  /** 1 for the winner; undefined while racing. */
  place?: number;
  /** Why it dropped out (its client went away); undefined while in the race. */
  retired?: string;
  knockdowns: number;
}

/** A fly as the rules see it. */
export interface FlierState {
  /** Undefined until it has landed once. */
  position?: number;
  /** The penguin it hunts. */
  target: number;
  retired?: string;
}

/** The race's state: positions, finish order, and an index of who stands on which cell. */
export interface Track<P extends RacerState = RacerState, F extends FlierState = FlierState> {
  readonly length: number;
  readonly penguins: P[];
  readonly flies: F[];
  readonly finishOrder: number[];
  /** Penguins still racing (for a random pick in O(1)) and where each sits in it (-1: out). */
  readonly racing: number[];
  readonly racingIndex: number[];
  /** The racing penguins on each cell 0..L, and the flies on each cell. */
  readonly penguinsOn: Set<number>[];
  readonly fliesOn: Set<number>[];
}

/** The extra rules; every one is off when left out, which gives the seed's race. */
export interface RuleOptions {
  /** Probability of refusing a move at random ('busy'). Default 0. */
  denyRate?: number;
  /** Refuse a move asked from a cell the penguin is no longer on ('stale'). Default false. */
  refuseStale?: boolean;
  /** Flies fly toward their target and never sit on 0 or L. Default false. */
  homingFlies?: boolean;
  /** A fly moves at most this many cells per report. Default: anywhere. */
  flySpeed?: number;
}

export type MoveOutcome =
  | { granted: false; reason: 'finished' | 'retired' | 'busy' | 'stale' }
  /** `knockedBy`: the fly on the cell it landed on (it is back at 0). */
  | { granted: true; from: number; to: number; place?: number; knockedBy?: number };

export type FlyOutcome =
  | { moved: false; reason: 'retired' | 'jump' }
  /** `knocked`: the penguins it sent back to 0, by id. */
  | { moved: true; from: number | undefined; to: number; target: number; knocked: number[] };

/** Creates the state around the given records (all at 0, none placed), so a server can keep its own fields on them. */
export function createTrack<P extends RacerState, F extends FlierState>(length: number, penguins: P[], flies: F[]): Track<P, F> {
  if (!Number.isInteger(length) || length < 2) throw new RangeError(`length must be an integer >= 2, got ${String(length)}`);
  const track: Track<P, F> = {
    length,
    penguins,
    flies,
    finishOrder: [],
    racing: penguins.map((_, id) => id),
    racingIndex: penguins.map((_, id) => id),
    penguinsOn: Array.from({ length: length + 1 }, () => new Set<number>()),
    fliesOn: Array.from({ length: length + 1 }, () => new Set<number>()),
  };
  for (const [id, penguin] of penguins.entries()) track.penguinsOn[penguin.position].add(id);
  return track;
}

/** A track of `penguins` penguins and `flies` flies, with nothing else on the records. */
export function newTrack(length: number, penguins: number, flies = 0): Track {
  return createTrack(
    length,
    Array.from({ length: penguins }, () => ({ position: 0, knockdowns: 0 })),
    Array.from({ length: flies }, () => ({ target: 0 })),
  );
}

/** The cells a fly may sit on: the whole track, or 1..L-1 for homing flies. */
export function flyCells(length: number, options: RuleOptions = {}): [number, number] {
  return options.homingFlies ? [1, length - 1] : [0, length];
}

export function isRacing(track: Track, penguin: number): boolean {
  return (track.racingIndex[penguin] ?? -1) >= 0;
}

/** The race is over for the rules when no penguin is racing. */
export function everyoneIsOut(track: Track): boolean {
  return track.racing.length === 0;
}

/** A penguin asks to move `step` cells (from `from`, where it believes it is). */
export function requestMove(
  track: Track,
  move: { penguin: number; step: number; from?: number },
  options: RuleOptions = {},
  random?: Pick<Random, 'chance'>,
): MoveOutcome {
  const penguin = track.penguins[move.penguin];
  if (penguin.place !== undefined) return { granted: false, reason: 'finished' };
  if (penguin.retired !== undefined) return { granted: false, reason: 'retired' };
  if (options.refuseStale && move.from !== undefined && move.from !== penguin.position) return { granted: false, reason: 'stale' };
  if (options.denyRate && random?.chance(options.denyRate)) return { granted: false, reason: 'busy' };
  const from = penguin.position;
  const to = Math.min(track.length, from + move.step);
  placePenguin(track, move.penguin, to);
  if (to === track.length) {
    leaveRace(track, move.penguin);
    track.finishOrder.push(move.penguin);
    penguin.place = track.finishOrder.length;
    return { granted: true, from, to, place: penguin.place };
  }
  const [fly] = track.fliesOn[to];
  if (fly === undefined) return { granted: true, from, to };
  knockDown(track, move.penguin);
  return { granted: true, from, to, knockedBy: fly };
}

/** A fly lands on `position` (hunting `target`, if given): every racing penguin there goes back to 0. */
export function reportFly(
  track: Track,
  report: { fly: number; position: number; target?: number },
  options: RuleOptions = {},
  random?: Pick<Random, 'int'>,
): FlyOutcome {
  const fly = track.flies[report.fly];
  if (fly.retired !== undefined) return { moved: false, reason: 'retired' };
  const from = fly.position;
  if (from !== undefined && options.flySpeed !== undefined && Math.abs(report.position - from) > options.flySpeed) {
    return { moved: false, reason: 'jump' };
  }
  if (from !== undefined) track.fliesOn[from].delete(report.fly);
  fly.position = report.position;
  track.fliesOn[report.position].add(report.fly);
  const wanted = report.target ?? fly.target;
  fly.target = isRacing(track, wanted) || everyoneIsOut(track) ? wanted : anyRacing(track, random);
  return { moved: true, from, to: report.position, target: fly.target, knocked: knockDownAt(track, report.position) };
}

/** Sends every racing penguin on `cell` back to 0 (none on the start itself); returns their ids, in order. */
export function knockDownAt(track: Track, cell: number): number[] {
  if (cell <= 0 || cell >= track.length) return [];
  const knocked = [...track.penguinsOn[cell]].sort((a, b) => a - b);
  for (const id of knocked) knockDown(track, id);
  return knocked;
}

/** Takes a penguin or a fly out of the race (its client went away). False if it was already out. */
export function retire(track: Track, role: 'penguin' | 'fly', id: number, reason: string): boolean {
  const actor = role === 'penguin' ? track.penguins[id] : track.flies[id];
  if (!actor || actor.retired !== undefined || (role === 'penguin' && (actor as RacerState).place !== undefined)) return false;
  actor.retired = reason;
  if (role === 'penguin') leaveRace(track, id);
  else if (actor.position !== undefined) track.fliesOn[actor.position].delete(id);
  return true;
}

function knockDown(track: Track, id: number): void {
  placePenguin(track, id, 0);
  track.penguins[id].knockdowns++;
}

function placePenguin(track: Track, id: number, to: number): void {
  const penguin = track.penguins[id];
  track.penguinsOn[penguin.position].delete(id);
  penguin.position = to;
  track.penguinsOn[to].add(id);
}

/** A random penguin still racing (the first one without a random source; 0 when none is left). */
function anyRacing(track: Track, random?: Pick<Random, 'int'>): number {
  if (track.racing.length === 0) return 0;
  return track.racing[random ? random.int(0, track.racing.length - 1) : 0];
}

function leaveRace(track: Track, id: number): void {
  track.penguinsOn[track.penguins[id].position].delete(id);
  const index = track.racingIndex[id];
  if (index < 0) return;
  const last = track.racing.pop()!;
  if (last !== id) {
    track.racing[index] = last;
    track.racingIndex[last] = index;
  }
  track.racingIndex[id] = -1;
}
