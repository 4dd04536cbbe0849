/**
 * The shared memory between the interleaving scheduler (main thread) and its
 * workers, and the tiny instruction set their programs are written in.
 *
 * Instructions (one step each):
 * - `load`: r = x (read the shared counter into this worker's register r)
 * - `add`: r = r + 1 (only the register changes)
 * - `store`: x = r (write the register back to the shared counter)
 * - `inc`: x = x + 1 as one indivisible step (`Atomics.add`)
 * - `acquire A` / `release A`: take or free the kit Lock named A (any name)
 *
 * Control cells: WAKE (workers bump and notify it on every change; the main
 * thread sleeps on it with Atomics.waitAsync), X (the shared counter), then per
 * worker: GRANT (steps the scheduler has allowed), DONE (steps finished),
 * STATUS, WAITING_FOR (lock index while acquiring, else -1), REGISTER.
 */
import type { LockHandle } from '../shared-lock.js';

export const WAKE = 0;
export const X = 1;
const FIRST_WORKER_CELL = 2;
const CELLS_PER_WORKER = 5;
export const GRANT = 0;
export const DONE = 1;
export const STATUS = 2;
export const WAITING_FOR = 3;
export const REGISTER = 4;

/** Index of one of a worker's cells (GRANT, DONE, STATUS, WAITING_FOR or REGISTER). */
export function workerCell(worker: number, field: number): number {
  return FIRST_WORKER_CELL + worker * CELLS_PER_WORKER + field;
}

export function controlCells(workers: number): number {
  return FIRST_WORKER_CELL + workers * CELLS_PER_WORKER;
}

/** A worker's STATUS. */
export const STARTING = 0;
export const IDLE = 1; // waiting for the scheduler to grant its next step
export const RUNNING = 2;
export const ACQUIRING = 3; // inside lock.acquire(): running, or asleep until the lock is free
export const FINISHED = 4;

export type Instruction =
  { op: 'load' | 'add' | 'store' | 'inc'; text: string } | { op: 'acquire' | 'release'; lock: string; text: string };

const INSTRUCTION = /^\s*(?:(load|add|store|inc)|(acquire|release)\s+([A-Za-z_][\w-]*))\s*$/;

/** Parses one instruction, or returns undefined if it is not one. */
export function parseInstruction(text: unknown): Instruction | undefined {
  if (typeof text !== 'string') return undefined;
  const match = INSTRUCTION.exec(text);
  if (!match) return undefined;
  if (match[1]) return { op: match[1] as 'load', text: match[1] };
  return { op: match[2] as 'acquire', lock: match[3], text: `${match[2]} ${match[3]}` };
}

/** What each interleaving worker receives as workerData. */
export interface InterleavingWorkerData {
  control: SharedArrayBuffer;
  index: number;
  program: string[];
  /** Lock names, in the order of `locks`. */
  lockNames: string[];
  locks: LockHandle[];
}
