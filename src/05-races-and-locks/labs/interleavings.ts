/**
 * Forced interleavings: play the scheduler, as in OSTEP's `x86.py -P 0011` or
 * the Deadlock Empire. A race or a deadlock then happens on purpose, step by
 * step, every time.
 *
 * Each worker (a real worker thread) has a program of small named steps:
 * `load`, `add`, `store` for the counter (x = x + 1 in three steps), `inc` for
 * the atomic version, `acquire A` / `release A` for the kit's Locks. The schedule
 * names, turn by turn, which worker takes its next step: "0 1 0 1 1 0" means
 * worker 0, then worker 1, then 0... The scheduler on the main thread grants one
 * step at a time through shared memory and waits (with Atomics.waitAsync: the
 * main thread, the notebook kernel, never blocks) until every worker is at rest:
 * waiting for its next grant, finished, or asleep inside `lock.acquire()`.
 *
 * - A turn given to a worker that is finished, or asleep on a lock, is skipped
 *   (it cannot move), and recorded in `skipped`.
 * - When no unfinished worker can take its next step, the run is deadlocked: it
 *   stops, reports who holds what and waits for what (read from the Locks' own
 *   `holder` and `waiters`), and ends the workers.
 * - When the schedule runs out, by default the lowest-numbered worker that can
 *   move takes the next step, until all are done or stuck ('finish'); with
 *   `afterSchedule: 'stop'` the run ends there.
 *
 * Every run has a time bound, and its workers are ended whatever happens.
 * The result prints as a table (`console.table(result.rows)`) and as timeline
 * spans (`interleavingChart(result)`), one lane per worker, time in steps.
 */
import type { ChartConfiguration } from 'chart.js';
import { timelineChart, type Span } from '../../01-threads-vs-async/timeline.js';
import { checkOneOf, checkOptions, checkTimeout, describeValue } from '../../engine/validate.js';
import { Lock } from '../shared-lock.js';
import { LabTeam, LabTimeoutError } from './lab-team.js';
import {
  ACQUIRING,
  DONE,
  FINISHED,
  GRANT,
  IDLE,
  REGISTER,
  STATUS,
  WAITING_FOR,
  WAKE,
  X,
  controlCells,
  parseInstruction,
  workerCell,
  type Instruction,
  type InterleavingWorkerData,
} from './interleaving-protocol.js';
import { findCycle as findGraphCycle } from '../../engine/find-cycle.js';

export interface InterleavingScenario {
  name: string;
  description: string;
  /** One program per worker: a list of instructions ('load', 'add', 'store', 'inc', 'acquire A', 'release A'). */
  programs: readonly (readonly string[])[];
}

/** The built-in scenarios, with a schedule worth trying in each description. */
export const INTERLEAVING_SCENARIOS = {
  'lost-update': {
    name: 'lost-update',
    description: 'x = x + 1 in three steps (load, add, store) by two workers: "0 1 0 1 1 0" loses an update, "000111" does not',
    programs: [
      ['load', 'add', 'store'],
      ['load', 'add', 'store'],
    ],
  },
  'atomic-increment': {
    name: 'atomic-increment',
    description: 'x = x + 1 as one indivisible step (Atomics.add): no schedule can lose an update',
    programs: [['inc'], ['inc']],
  },
  'locked-update': {
    name: 'locked-update',
    description: 'the three-step increment inside a Lock: "0 1 0 1 ..." makes worker 1 wait for L, and nothing is lost',
    programs: [
      ['acquire L', 'load', 'add', 'store', 'release L'],
      ['acquire L', 'load', 'add', 'store', 'release L'],
    ],
  },
  deadlock: {
    name: 'deadlock',
    description: 'worker 0 takes A then B, worker 1 takes B then A: "0 1 0 1" makes each hold one and wait for the other',
    programs: [
      ['acquire A', 'acquire B', 'release B', 'release A'],
      ['acquire B', 'acquire A', 'release A', 'release B'],
    ],
  },
  'lock-order': {
    name: 'lock-order',
    description: 'the deadlock fixed by one global order (A before B for everyone): "0 1 0 1" only makes worker 1 wait',
    programs: [
      ['acquire A', 'acquire B', 'release B', 'release A'],
      ['acquire A', 'acquire B', 'release B', 'release A'],
    ],
  },
} as const satisfies Record<string, InterleavingScenario>;

export type InterleavingScenarioName = keyof typeof INTERLEAVING_SCENARIOS;

export interface InterleavingOptions {
  /** When the schedule runs out: 'finish' (default: lowest-numbered worker that can move goes next) or 'stop'. */
  afterSchedule?: 'finish' | 'stop';
  /** Time bound for the whole run in ms (default 10,000); past it, the workers are ended and a LabTimeoutError thrown. */
  timeout?: number;
}

/** One row of the run: one step taken (or begun, if it had to wait) by one worker, and the state right after. */
export interface InterleavingRow {
  /** 1, 2, ... in the order things happened. */
  step: number;
  worker: number;
  instruction: string;
  /** The shared counter after this step. */
  x: number;
  /** Register columns (`r0`, `r1`, ...: each worker's private copy of x) and lock columns (holder of each lock, or 'free'). */
  [column: string]: string | number;
  /** What else happened: waiting, waking, skipped turns are listed in `skipped`. */
  note: string;
}

/** A worker asleep on a lock at the end of the run. */
export interface InterleavingWait {
  worker: number;
  /** The instruction it is stuck in, e.g. 'acquire B'. */
  instruction: string;
  lock: string;
  /** The worker holding that lock (undefined if none: should not happen). */
  heldBy: number | undefined;
  /** Locks this worker holds meanwhile. */
  holding: string[];
}

export interface InterleavingResult {
  scenario: string;
  description: string;
  programs: string[][];
  /** The schedule as parsed (worker numbers). */
  schedule: number[];
  rows: InterleavingRow[];
  /** One span per step (lane "worker N", time in steps), and one per wait for a lock. */
  spans: Span[];
  /** Turns of the schedule that named a worker that could not move. */
  skipped: { turn: number; worker: number; reason: string }[];
  /** The shared counter at the end. */
  x: number;
  /** The counter if no update were lost: the number of `add` and `inc` steps in all programs. */
  expectedX: number;
  /** expectedX - x when every program ran to its end; undefined otherwise. */
  lostUpdates: number | undefined;
  /** Every worker ran its whole program. */
  finished: boolean;
  /** No unfinished worker could take its next step. */
  deadlocked: boolean;
  /** Who waits for what at the end (empty unless some worker is stuck on a lock). */
  waits: InterleavingWait[];
  /** Workers in a wait-for cycle, first one repeated at the end (e.g. [0, 1, 0]); empty if none. */
  cycle: number[];
  /** Each wait in words, e.g. "worker 0 holds A and waits for B, held by worker 1". */
  explanation: string[];
}

const MAX_WORKERS = 16;
const MAX_STEPS_PER_PROGRAM = 1000;
/** How often the scheduler re-checks while a worker may be falling asleep on a lock (nobody notifies that). */
const STEP_POLL_MS = 2;

/**
 * Runs `scenario` (a built-in name, or your own programs) under `schedule`
 * ("0 1 0 1 1 0", "000111", or an array of worker numbers) on real workers,
 * one step at a time.
 */
export async function runInterleaving(
  scenario: InterleavingScenarioName | InterleavingScenario,
  schedule: string | number[],
  options?: InterleavingOptions,
): Promise<InterleavingResult> {
  const chosen = checkScenario(scenario);
  const programs = chosen.programs.map((program, w) => program.map((text, i) => parseInstruction(text) ?? badInstruction(text, w, i)));
  const workers = programs.length;
  const turns = parseSchedule(schedule, workers);
  const given = checkOptions(options, 'options');
  const afterSchedule = checkOneOf(given.afterSchedule ?? 'finish', 'afterSchedule', ['finish', 'stop'] as const);
  const timeout = checkTimeout(given.timeout ?? 10_000, 'timeout') as number;
  const deadline = performance.now() + timeout;

  const lockNames = [...new Set(programs.flat().flatMap((instruction) => ('lock' in instruction ? [instruction.lock] : [])))];
  const locks = lockNames.map(() => new Lock());
  const usesRegisters = programs.flat().some((instruction) => ['load', 'add', 'store'].includes(instruction.op));
  const control = new Int32Array(new SharedArrayBuffer(controlCells(workers) * 4));
  const team = new LabTeam<void>(
    '05-races-and-locks/labs/interleaving-worker.ts',
    Array.from({ length: workers }, (_, index) => {
      const data: InterleavingWorkerData = {
        control: control.buffer as SharedArrayBuffer,
        index,
        program: programs[index].map((instruction) => instruction.text),
        lockNames,
        locks: locks.map((lock) => lock.handle),
      };
      return { name: String(index), task: 'interleavingWorker', args: [data] };
    }),
  );
  const wake = { cells: control, index: WAKE };

  const read = (w: number, field: number): number => Atomics.load(control, workerCell(w, field));
  const granted = new Array<number>(workers).fill(0);
  const workerOfThread = (threadId: number | undefined): number | undefined => {
    const index = threadId === undefined ? -1 : team.threadIds.indexOf(threadId);
    return index < 0 ? undefined : index;
  };
  const isFinished = (w: number): boolean => read(w, STATUS) === FINISHED;
  /** The lock worker w is asleep on (held by another worker), or undefined. */
  const blockedOn = (w: number): number | undefined => {
    if (read(w, STATUS) !== ACQUIRING || read(w, DONE) === granted[w]) return undefined;
    const lockIndex = read(w, WAITING_FOR);
    const lock = locks[lockIndex];
    if (lock === undefined) return undefined;
    const holder = lock.holder;
    const asleep = holder !== undefined && holder !== team.threadIds[w] && lock.waiters.includes(team.threadIds[w]);
    return asleep ? lockIndex : undefined;
  };
  const atRest = (w: number): boolean =>
    isFinished(w) || (read(w, STATUS) === IDLE && read(w, DONE) === granted[w]) || blockedOn(w) !== undefined;
  const canMove = (w: number): boolean => !isFinished(w) && blockedOn(w) === undefined && read(w, DONE) < programs[w].length;
  const holderName = (lock: Lock): string => {
    const w = workerOfThread(lock.holder);
    return w === undefined ? 'free' : `worker ${w}`;
  };

  const rows: InterleavingRow[] = [];
  const spans: Span[] = [];
  const skipped: InterleavingResult['skipped'] = [];
  /** Worker → the row at which its current acquire began to wait. */
  const waitingSince = new Map<number, number>();

  const addRow = (worker: number, instruction: Instruction, note: string): number => {
    const row = { step: rows.length + 1, worker, instruction: instruction.text, x: Atomics.load(control, X) } as InterleavingRow;
    if (usesRegisters) for (let w = 0; w < workers; w++) row[`r${w}`] = read(w, REGISTER);
    lockNames.forEach((name, index) => (row[name] = holderName(locks[index])));
    row.note = note; // last, so console.table shows it at the right
    rows.push(row);
    return row.step;
  };

  /** Grants worker w its next step and records what happened once every worker is at rest again. */
  const grant = async (w: number): Promise<void> => {
    const before = Array.from({ length: workers }, (_, v) => read(v, DONE));
    const instruction = programs[w][before[w]];
    granted[w] += 1;
    Atomics.store(control, workerCell(w, GRANT), granted[w]);
    Atomics.notify(control, workerCell(w, GRANT));
    await team.waitFor(
      () => Array.from({ length: workers }, (_, v) => atRest(v)).every(Boolean),
      deadline,
      `worker ${w} to take step "${instruction.text}"`,
      wake,
      STEP_POLL_MS,
    );
    const woken = Array.from({ length: workers }, (_, v) => v).filter((v) => v !== w && read(v, DONE) > before[v]);
    if (read(w, DONE) > before[w]) {
      const note = woken.map((v) => `wakes worker ${v}, which gets ${instruction.op === 'release' ? instruction.lock : 'it'}`).join('; ');
      const step = addRow(w, instruction, note);
      spans.push({ lane: `worker ${w}`, label: instruction.text, start: step - 1, end: step });
    } else {
      const lockIndex = blockedOn(w)!;
      const step = addRow(w, instruction, `must wait: ${lockNames[lockIndex]} is held by ${holderName(locks[lockIndex])}`);
      waitingSince.set(w, step);
    }
    for (const v of woken) {
      const wokenInstruction = programs[v][before[v]];
      const since = waitingSince.get(v) ?? rows.length;
      waitingSince.delete(v);
      const step = addRow(
        v,
        wokenInstruction,
        `woken: gets ${'lock' in wokenInstruction ? wokenInstruction.lock : 'it'} (waited since step ${since})`,
      );
      spans.push({
        lane: `worker ${v}`,
        label: `wait for ${'lock' in wokenInstruction ? wokenInstruction.lock : '?'}`,
        start: since - 1,
        end: step - 1,
        group: 'waiting',
      });
      spans.push({ lane: `worker ${v}`, label: wokenInstruction.text, start: step - 1, end: step });
    }
  };

  const stuck = (): boolean => {
    const unfinished = Array.from({ length: workers }, (_, w) => w).filter((w) => !isFinished(w));
    return unfinished.length > 0 && !unfinished.some(canMove);
  };

  try {
    await team.waitFor(
      () => Array.from({ length: workers }, (_, w) => read(w, STATUS) === IDLE).every(Boolean),
      deadline,
      `${workers} workers to start`,
      wake,
    );
    let deadlocked = false;
    for (let turn = 0; turn < turns.length && !deadlocked; turn++) {
      const w = turns[turn];
      if (canMove(w)) {
        await grant(w);
      } else {
        const lockIndex = blockedOn(w);
        const reason =
          lockIndex === undefined ? 'finished' : `waiting for ${lockNames[lockIndex]} (held by ${holderName(locks[lockIndex])})`;
        skipped.push({ turn: turn + 1, worker: w, reason });
      }
      deadlocked = stuck();
    }
    if (afterSchedule === 'finish') {
      while (!deadlocked) {
        const next = Array.from({ length: workers }, (_, w) => w).find(canMove);
        if (next === undefined) break;
        await grant(next);
        deadlocked = stuck();
      }
    }

    const waits: InterleavingWait[] = [];
    for (let w = 0; w < workers; w++) {
      const lockIndex = blockedOn(w);
      if (lockIndex === undefined) continue;
      const since = waitingSince.get(w) ?? rows.length;
      spans.push({
        lane: `worker ${w}`,
        label: `wait for ${lockNames[lockIndex]}${deadlocked ? ' (forever)' : ''}`,
        start: since - 1,
        end: Math.max(rows.length, since),
        group: 'waiting',
      });
      waits.push({
        worker: w,
        instruction: programs[w][read(w, DONE)].text,
        lock: lockNames[lockIndex],
        heldBy: workerOfThread(locks[lockIndex].holder),
        holding: lockNames.filter((_, index) => workerOfThread(locks[index].holder) === w),
      });
    }
    const finished = Array.from({ length: workers }, (_, w) => isFinished(w)).every(Boolean);
    const x = Atomics.load(control, X);
    const expectedX = programs.flat().filter((instruction) => instruction.op === 'add' || instruction.op === 'inc').length;
    return {
      scenario: chosen.name,
      description: chosen.description,
      programs: programs.map((program) => program.map((instruction) => instruction.text)),
      schedule: turns,
      rows,
      spans,
      skipped,
      x,
      expectedX,
      lostUpdates: finished ? expectedX - x : undefined,
      finished,
      deadlocked,
      waits,
      cycle: findCycle(waits),
      explanation: waits.map(
        (wait) =>
          `worker ${wait.worker} ${wait.holding.length ? `holds ${wait.holding.join(' and ')} and ` : ''}waits for ${wait.lock}, held by ${
            wait.heldBy === undefined ? 'nobody' : `worker ${wait.heldBy}`
          }`,
      ),
    };
  } catch (error) {
    if (error instanceof LabTimeoutError) {
      throw new LabTimeoutError(
        `the interleaving run did not finish within its timeout of ${timeout} ms (${error.message}); its workers were ended`,
      );
    }
    throw error;
  } finally {
    await team.terminateAll();
  }
}

/**
 * The workers that wait for each other in a circle (engine/find-cycle.ts, the
 * search unit 07 uses on its wait-for graph), the first one repeated at the
 * end: [0, 1, 0] is "0 waits for 1, which waits for 0"; [] when none do.
 */
function findCycle(waits: readonly InterleavingWait[]): number[] {
  const heldBy = new Map(waits.map((wait) => [wait.worker, wait.heldBy]));
  const cycle = findGraphCycle(heldBy.keys(), (worker) => {
    const holder = heldBy.get(worker);
    return holder === undefined ? [] : [holder];
  });
  return cycle.length > 0 ? [...cycle, cycle[0]] : [];
}

function checkScenario(scenario: unknown): InterleavingScenario {
  if (typeof scenario === 'string') {
    const found: InterleavingScenario | undefined = (INTERLEAVING_SCENARIOS as Record<string, InterleavingScenario>)[scenario];
    if (found) return found;
    throw new RangeError(
      `scenario must be one of ${Object.keys(INTERLEAVING_SCENARIOS)
        .map((name) => `'${name}'`)
        .join(', ')} or { name, description, programs }, got ${describeValue(scenario)}`,
    );
  }
  const candidate = scenario as Partial<InterleavingScenario> | null;
  if (typeof candidate !== 'object' || candidate === null || !Array.isArray(candidate.programs)) {
    throw new TypeError(`scenario must be a scenario name or { name, description, programs: string[][] }, got ${describeValue(scenario)}`);
  }
  const programs = candidate.programs;
  if (programs.length === 0 || programs.length > MAX_WORKERS) {
    throw new RangeError(`scenario.programs must hold 1 to ${MAX_WORKERS} programs (one per worker), got ${programs.length}`);
  }
  programs.forEach((program, w) => {
    if (!Array.isArray(program) || program.length === 0 || program.length > MAX_STEPS_PER_PROGRAM) {
      throw new TypeError(
        `scenario.programs[${w}] must be a non-empty array of at most ${MAX_STEPS_PER_PROGRAM} instructions, got ${describeValue(program)}`,
      );
    }
  });
  return {
    name: typeof candidate.name === 'string' ? candidate.name : 'custom',
    description: typeof candidate.description === 'string' ? candidate.description : '',
    programs: programs.map((program) => [...program]),
  };
}

function badInstruction(text: unknown, worker: number, index: number): never {
  throw new RangeError(
    `scenario.programs[${worker}][${index}] must be an instruction ('load', 'add', 'store', 'inc', 'acquire NAME' or 'release NAME'), got ${describeValue(text)}`,
  );
}

/** "0 1 0 1 1 0", "0,1,0", "000111" (one digit per turn) or [0, 1, 0] → worker numbers, each checked. */
function parseSchedule(schedule: unknown, workers: number): number[] {
  let turns: unknown[];
  if (typeof schedule === 'string') {
    const text = schedule.trim();
    turns = text === '' ? [] : /[\s,]/.test(text) ? text.split(/[\s,]+/).filter(Boolean) : [...text];
    turns = turns.map((token) => (/^\d+$/.test(token as string) ? Number(token) : token));
  } else if (Array.isArray(schedule)) {
    turns = schedule;
  } else {
    throw new TypeError(
      `schedule must be a string of worker numbers ("0 1 0 1" or "0101") or an array of them, got ${describeValue(schedule)}`,
    );
  }
  return turns.map((turn, index) => {
    if (typeof turn === 'number' && Number.isInteger(turn) && turn >= 0 && turn < workers) return turn;
    throw new RangeError(`schedule[${index}] must be a worker number from 0 to ${workers - 1}, got ${describeValue(turn)}`);
  });
}

/** The run as a timeline: one lane per worker, one bar per step, waits for locks in their own colour. */
export function interleavingChart(result: InterleavingResult): ChartConfiguration {
  if (typeof result !== 'object' || result === null || !Array.isArray(result.spans)) {
    throw new TypeError(`result must be what runInterleaving() resolved to, got ${describeValue(result)}`);
  }
  const verdict = result.deadlocked
    ? 'DEADLOCK'
    : result.lostUpdates
      ? `x = ${result.x}, ${result.lostUpdates} update(s) lost`
      : `x = ${result.x}`;
  const config = timelineChart(result.spans, `${result.scenario}, schedule ${result.schedule.join('') || '(none)'}: ${verdict}`);
  const x = (config.options?.scales as Record<string, { title?: { display: boolean; text: string } }>)?.x;
  if (x) x.title = { display: true, text: 'step' };
  return config;
}
