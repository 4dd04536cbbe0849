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
  const turns = parseSchedule(schedule, programs.length);
  const given = checkOptions(options, 'options');
  const afterSchedule = checkOneOf(given.afterSchedule ?? 'finish', 'afterSchedule', ['finish', 'stop'] as const);
  const timeout = checkTimeout(given.timeout ?? 10_000, 'timeout') as number;

  const run = new InterleavingRun(programs, performance.now() + timeout);
  try {
    await run.waitForStart();
    let deadlocked = await run.play(turns);
    if (!deadlocked && afterSchedule === 'finish') deadlocked = await run.playToTheEnd();
    return run.result(chosen, turns, deadlocked);
  } catch (error) {
    if (error instanceof LabTimeoutError) {
      throw new LabTimeoutError(
        `the interleaving run did not finish within its timeout of ${timeout} ms (${error.message}); its workers were ended`,
      );
    }
    throw error;
  } finally {
    await run.end();
  }
}

/**
 * One run of an interleaving: the workers, the shared cells they report in,
 * and what the scheduler has seen so far (the rows of the table, the spans of
 * the timeline, the turns it had to skip). Each step is a method.
 */
class InterleavingRun {
  readonly #programs: Instruction[][];
  readonly #workers: number;
  readonly #deadline: number;
  readonly #lockNames: string[];
  readonly #locks: Lock[];
  readonly #usesRegisters: boolean;
  readonly #control: Int32Array;
  readonly #team: LabTeam<void>;
  readonly #wake: { cells: Int32Array; index: number };
  /** Steps granted to each worker so far. */
  readonly #granted: number[];
  readonly #rows: InterleavingRow[] = [];
  readonly #spans: Span[] = [];
  readonly #skipped: InterleavingResult['skipped'] = [];
  /** Worker → the row at which its current acquire began to wait. */
  readonly #waitingSince = new Map<number, number>();

  /** Starts one worker per program. */
  constructor(programs: Instruction[][], deadline: number) {
    this.#programs = programs;
    this.#workers = programs.length;
    this.#deadline = deadline;
    this.#lockNames = [...new Set(programs.flat().flatMap((instruction) => ('lock' in instruction ? [instruction.lock] : [])))];
    this.#locks = this.#lockNames.map(() => new Lock());
    this.#usesRegisters = programs.flat().some((instruction) => ['load', 'add', 'store'].includes(instruction.op));
    this.#control = new Int32Array(new SharedArrayBuffer(controlCells(this.#workers) * 4));
    this.#granted = new Array<number>(this.#workers).fill(0);
    this.#wake = { cells: this.#control, index: WAKE };
    this.#team = new LabTeam<void>(
      '05-races-and-locks/labs/interleaving-worker.ts',
      programs.map((program, index) => {
        const data: InterleavingWorkerData = {
          control: this.#control.buffer as SharedArrayBuffer,
          index,
          program: program.map((instruction) => instruction.text),
          lockNames: this.#lockNames,
          locks: this.#locks.map((lock) => lock.handle),
        };
        return { name: String(index), task: 'interleavingWorker', args: [data] };
      }),
    );
  }

  /** Waits until every worker is ready for its first step. */
  async waitForStart(): Promise<void> {
    await this.#team.waitFor(
      () => this.#everyWorker((w) => this.#read(w, STATUS) === IDLE),
      this.#deadline,
      `${this.#workers} workers to start`,
      this.#wake,
    );
  }

  /** Plays the schedule, turn by turn; a turn of a worker that cannot move is skipped. Returns whether they deadlocked. */
  async play(turns: readonly number[]): Promise<boolean> {
    for (let turn = 0; turn < turns.length; turn++) {
      const w = turns[turn];
      if (this.#canMove(w)) {
        await this.#grant(w);
      } else {
        const lockIndex = this.#blockedOn(w);
        const reason =
          lockIndex === undefined ? 'finished' : `waiting for ${this.#lockNames[lockIndex]} (held by ${this.#holderName(lockIndex)})`;
        this.#skipped.push({ turn: turn + 1, worker: w, reason });
      }
      if (this.#stuck()) return true;
    }
    return false;
  }

  /** Lets the first worker that can move take its next step, until none can. Returns whether they deadlocked. */
  async playToTheEnd(): Promise<boolean> {
    for (;;) {
      if (this.#stuck()) return true;
      const next = this.#range().find((w) => this.#canMove(w));
      if (next === undefined) return false;
      await this.#grant(next);
    }
  }

  /** What the run showed: the table, the timeline, x, the waits and the cycle among them. */
  result(chosen: InterleavingScenario, turns: number[], deadlocked: boolean): InterleavingResult {
    const waits = this.#collectWaits(deadlocked);
    const finished = this.#everyWorker((w) => this.#isFinished(w));
    const x = Atomics.load(this.#control, X);
    const expectedX = this.#programs.flat().filter((instruction) => instruction.op === 'add' || instruction.op === 'inc').length;
    return {
      scenario: chosen.name,
      description: chosen.description,
      programs: this.#programs.map((program) => program.map((instruction) => instruction.text)),
      schedule: turns,
      rows: this.#rows,
      spans: this.#spans,
      skipped: this.#skipped,
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
  }

  /** Ends every worker (also those asleep on a lock). */
  async end(): Promise<void> {
    await this.#team.terminateAll();
  }

  /** Grants worker w its next step and records what happened once every worker is at rest again. */
  async #grant(w: number): Promise<void> {
    const before = this.#range().map((v) => this.#read(v, DONE));
    const instruction = this.#programs[w][before[w]];
    this.#granted[w] += 1;
    Atomics.store(this.#control, workerCell(w, GRANT), this.#granted[w]);
    Atomics.notify(this.#control, workerCell(w, GRANT));
    await this.#team.waitFor(
      () => this.#everyWorker((v) => this.#atRest(v)),
      this.#deadline,
      `worker ${w} to take step "${instruction.text}"`,
      this.#wake,
      STEP_POLL_MS,
    );
    const woken = this.#range().filter((v) => v !== w && this.#read(v, DONE) > before[v]);
    if (this.#read(w, DONE) > before[w]) {
      const note = woken.map((v) => `wakes worker ${v}, which gets ${instruction.op === 'release' ? instruction.lock : 'it'}`).join('; ');
      const step = this.#addRow(w, instruction, note);
      this.#spans.push({ lane: `worker ${w}`, label: instruction.text, start: step - 1, end: step });
    } else {
      const lockIndex = this.#blockedOn(w)!;
      const step = this.#addRow(w, instruction, `must wait: ${this.#lockNames[lockIndex]} is held by ${this.#holderName(lockIndex)}`);
      this.#waitingSince.set(w, step);
    }
    for (const v of woken) this.#recordWakeUp(v, this.#programs[v][before[v]]);
  }

  /** Worker v got the lock it slept on: a row for it, and its wait on the timeline. */
  #recordWakeUp(v: number, instruction: Instruction): void {
    const since = this.#waitingSince.get(v) ?? this.#rows.length;
    this.#waitingSince.delete(v);
    const lock = 'lock' in instruction ? instruction.lock : undefined;
    const step = this.#addRow(v, instruction, `woken: gets ${lock ?? 'it'} (waited since step ${since})`);
    this.#spans.push({ lane: `worker ${v}`, label: `wait for ${lock ?? '?'}`, start: since - 1, end: step - 1, group: 'waiting' });
    this.#spans.push({ lane: `worker ${v}`, label: instruction.text, start: step - 1, end: step });
  }

  /** Who is still asleep on a lock at the end, and what each holds (with their waits drawn to the end). */
  #collectWaits(deadlocked: boolean): InterleavingWait[] {
    const waits: InterleavingWait[] = [];
    for (const w of this.#range()) {
      const lockIndex = this.#blockedOn(w);
      if (lockIndex === undefined) continue;
      const since = this.#waitingSince.get(w) ?? this.#rows.length;
      this.#spans.push({
        lane: `worker ${w}`,
        label: `wait for ${this.#lockNames[lockIndex]}${deadlocked ? ' (forever)' : ''}`,
        start: since - 1,
        end: Math.max(this.#rows.length, since),
        group: 'waiting',
      });
      waits.push({
        worker: w,
        instruction: this.#programs[w][this.#read(w, DONE)].text,
        lock: this.#lockNames[lockIndex],
        heldBy: this.#workerOfThread(this.#locks[lockIndex].holder),
        holding: this.#lockNames.filter((_, index) => this.#workerOfThread(this.#locks[index].holder) === w),
      });
    }
    return waits;
  }

  #addRow(worker: number, instruction: Instruction, note: string): number {
    const row = {
      step: this.#rows.length + 1,
      worker,
      instruction: instruction.text,
      x: Atomics.load(this.#control, X),
    } as InterleavingRow;
    if (this.#usesRegisters) for (const w of this.#range()) row[`r${w}`] = this.#read(w, REGISTER);
    this.#lockNames.forEach((name, index) => (row[name] = this.#holderName(index)));
    row.note = note; // last, so console.table shows it at the right
    this.#rows.push(row);
    return row.step;
  }

  #range(): number[] {
    return Array.from({ length: this.#workers }, (_, w) => w);
  }

  #everyWorker(test: (w: number) => boolean): boolean {
    return this.#range().every(test);
  }

  #read(w: number, field: number): number {
    return Atomics.load(this.#control, workerCell(w, field));
  }

  #workerOfThread(threadId: number | undefined): number | undefined {
    const index = threadId === undefined ? -1 : this.#team.threadIds.indexOf(threadId);
    return index < 0 ? undefined : index;
  }

  #isFinished(w: number): boolean {
    return this.#read(w, STATUS) === FINISHED;
  }

  /** The lock worker w is asleep on (held by another worker), or undefined. */
  #blockedOn(w: number): number | undefined {
    if (this.#read(w, STATUS) !== ACQUIRING || this.#read(w, DONE) === this.#granted[w]) return undefined;
    const lockIndex = this.#read(w, WAITING_FOR);
    const lock = this.#locks[lockIndex];
    if (lock === undefined) return undefined;
    const holder = lock.holder;
    const me = this.#team.threadIds[w];
    return holder !== undefined && holder !== me && lock.waiters.includes(me) ? lockIndex : undefined;
  }

  #atRest(w: number): boolean {
    return (
      this.#isFinished(w) ||
      (this.#read(w, STATUS) === IDLE && this.#read(w, DONE) === this.#granted[w]) ||
      this.#blockedOn(w) !== undefined
    );
  }

  #canMove(w: number): boolean {
    return !this.#isFinished(w) && this.#blockedOn(w) === undefined && this.#read(w, DONE) < this.#programs[w].length;
  }

  #holderName(lockIndex: number): string {
    const w = this.#workerOfThread(this.#locks[lockIndex].holder);
    return w === undefined ? 'free' : `worker ${w}`;
  }

  /** Every unfinished worker is asleep on a lock: nobody can ever move again. */
  #stuck(): boolean {
    const unfinished = this.#range().filter((w) => !this.#isFinished(w));
    return unfinished.length > 0 && !unfinished.some((w) => this.#canMove(w));
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
    `scenario.programs[${worker}][${index}] must be an instruction ` +
      `('load', 'add', 'store', 'inc', 'acquire NAME' or 'release NAME'), got ${describeValue(text)}`,
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

/** The run as a timeline: one lane per worker, one bar per step, waits for locks in their own color. */
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
