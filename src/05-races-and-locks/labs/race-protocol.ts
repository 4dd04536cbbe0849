/**
 * The shared memory between the race lab (main thread) and its workers: one
 * Int32Array of control cells, the counter in a buffer of its own, and a
 * Float64Array where each worker writes when its loop started and ended.
 *
 * A round: the main thread writes the variant and the number of increments, then
 * bumps ROUND and notifies. Each worker wakes, counts itself into ARRIVED and
 * spins until all have arrived (so the loops really start together), runs its
 * loop, writes its span and bumps DONE (the main thread's wake cell).
 */

/** The three ways to add 1 to the shared counter. */
export const RACE_LAB_VARIANTS = ['plain', 'atomic', 'lock'] as const;
export type RaceLabVariant = (typeof RACE_LAB_VARIANTS)[number];

/** Control cells (indices into the control Int32Array). */
export const ROUND = 0; // number of the round released so far (0: none yet)
export const VARIANT = 1; // index into RACE_LAB_VARIANTS for the current round
export const INCREMENTS = 2; // increments per worker in the current round
export const ARRIVED = 3; // arrivals at the in-round start line, counted over all rounds
export const DONE = 4; // loops finished, counted over all rounds
export const READY = 5; // workers loaded and waiting for round 1
export const WAKE = 6; // bumped and notified on every change of READY or DONE: the main thread sleeps on it
export const CONTROL_CELLS = 7;

/** What each race worker receives as workerData. */
export interface RaceWorkerData {
  control: SharedArrayBuffer;
  counter: SharedArrayBuffer;
  /** Float64 pairs [start, end] (epoch ms) per worker. */
  spans: SharedArrayBuffer;
  lock: import('../shared-lock.js').LockHandle;
  index: number;
  workers: number;
}
