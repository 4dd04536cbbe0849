/**
 * A race lab worker (`raceWorker`, which a LabTeam runs on a Thread): started
 * once, it runs one loop of increments per round of the lab (see
 * race-protocol.ts), on the counter every worker shares.
 *
 * The "plain" loop is a read-modify-write in two separate steps: read the
 * counter, write it back plus one. Another worker can write in between, and its
 * update is lost. It is written with `Atomics.load` and `Atomics.store` on
 * purpose: each of the two is indivisible, the pair is not, exactly like
 * `contador += 1` (read, add, write). The naive `cells[0] = cells[0] + 1` is
 * not a fair demo, because the optimizing compiler (TurboFan) may keep the value
 * in a register and touch memory once: measured here, that loop either lost almost
 * every update (one store at the end) or none (it finished before the other worker
 * started). Atomics operations are never merged or hoisted, so every iteration
 * really reads and really writes shared memory.
 */
import { Lock } from '../shared-lock.js';
import { now } from '../../01-threads-vs-async/timeline.js';
import { signalChange } from './lab-team.js';
import { ARRIVED, DONE, INCREMENTS, RACE_LAB_VARIANTS, READY, ROUND, VARIANT, WAKE, type RaceWorkerData } from './race-protocol.js';

/** A worker that hears nothing for this long assumes the lab is gone, and ends. */
const IDLE_LIMIT_MS = 120_000;
/** Spins at the start line before sleeping (the others are normally microseconds away). */
const SPINS_BEFORE_SLEEP = 1_000_000;

function plainIncrements(cells: Int32Array, count: number): void {
  for (let i = 0; i < count; i++) {
    const seen = Atomics.load(cells, 0); // read
    Atomics.store(cells, 0, seen + 1); // write: whatever others wrote since the read is overwritten
  }
}

function atomicIncrements(cells: Int32Array, count: number): void {
  for (let i = 0; i < count; i++) Atomics.add(cells, 0, 1); // read, add and write as one indivisible step
}

function lockedIncrements(cells: Int32Array, count: number, mutex: Lock): void {
  for (let i = 0; i < count; i++) {
    mutex.acquire();
    const seen = Atomics.load(cells, 0); // the same two steps as "plain",
    Atomics.store(cells, 0, seen + 1); // but nobody else can run them in between
    mutex.release();
  }
}

/** Sleeps until the main thread releases a round after `round`; returns its number (0: give up). */
function nextRound(control: Int32Array, round: number): number {
  const idleSince = performance.now();
  for (;;) {
    const current = Atomics.load(control, ROUND);
    if (current !== round) return current;
    if (performance.now() - idleSince > IDLE_LIMIT_MS) return 0;
    Atomics.wait(control, ROUND, round, 1000);
  }
}

/** Counts this worker in and spins until every one of `workers` has arrived for `round`. */
function startTogether(control: Int32Array, workers: number, round: number): void {
  const everyone = workers * round;
  if (Atomics.add(control, ARRIVED, 1) + 1 >= everyone) {
    Atomics.notify(control, ARRIVED);
    return;
  }
  let spins = 0;
  for (;;) {
    const arrived = Atomics.load(control, ARRIVED);
    if (arrived >= everyone) return;
    if (++spins > SPINS_BEFORE_SLEEP) Atomics.wait(control, ARRIVED, arrived, 10); // others are not running: let them
  }
}

/** Runs the rounds the main thread releases, until it stops releasing them (or ends this thread). */
export function raceWorker(data: RaceWorkerData): void {
  const control = new Int32Array(data.control);
  const counter = new Int32Array(data.counter);
  const spans = new Float64Array(data.spans);
  const lock = Lock.from(data.lock);
  Atomics.add(control, READY, 1);
  signalChange(control, WAKE);

  for (let round = nextRound(control, 0); round > 0; round = nextRound(control, round)) {
    const variant = RACE_LAB_VARIANTS[Atomics.load(control, VARIANT)];
    const count = Atomics.load(control, INCREMENTS);
    startTogether(control, data.workers, round);
    spans[2 * data.index] = now();
    if (variant === 'plain') plainIncrements(counter, count);
    else if (variant === 'atomic') atomicIncrements(counter, count);
    else lockedIncrements(counter, count, lock);
    spans[2 * data.index + 1] = now();
    Atomics.add(control, DONE, 1);
    signalChange(control, WAKE);
  }
}
