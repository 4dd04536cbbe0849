/**
 * An interleaving worker (`interleavingWorker`, which a LabTeam runs on a
 * Thread): runs its program one instruction at a time, each only when the
 * scheduler on the main thread grants it (see interleaving-protocol.ts).
 * Waiting for a grant and waiting for a lock are real `Atomics.wait`s in this
 * thread (allowed here: a worker may block; the main thread never does). When
 * its program is over the worker parks until the scheduler ends it.
 */
import { Lock } from '../shared-lock.js';
import { signalChange } from './lab-team.js';
import {
  ACQUIRING,
  DONE,
  FINISHED,
  GRANT,
  IDLE,
  REGISTER,
  RUNNING,
  STATUS,
  WAITING_FOR,
  WAKE,
  X,
  parseInstruction,
  workerCell,
  type Instruction,
  type InterleavingWorkerData,
} from './interleaving-protocol.js';

/** A worker that hears nothing from the scheduler for this long gives up (the lab is gone). */
const IDLE_LIMIT_MS = 60_000;

/** Runs `data.program` one granted step at a time, then parks until the scheduler ends this thread. */
export function interleavingWorker(data: InterleavingWorkerData): void {
  const control = new Int32Array(data.control);
  const locks = new Map(data.lockNames.map((name, index) => [name, { index, lock: Lock.from(data.locks[index]) }]));
  const program = data.program.map((text) => parseInstruction(text) as Instruction);
  const cell = (field: number): number => workerCell(data.index, field);

  function report(status: number): void {
    Atomics.store(control, cell(STATUS), status);
    signalChange(control, WAKE);
  }

  /** Sleeps until the scheduler has granted more than `granted` steps; false if it never does. */
  function awaitGrant(granted: number): boolean {
    const since = performance.now();
    while (Atomics.load(control, cell(GRANT)) <= granted) {
      if (performance.now() - since > IDLE_LIMIT_MS) return false;
      Atomics.wait(control, cell(GRANT), granted, 1000);
    }
    return true;
  }

  let register = 0;

  function execute(instruction: Instruction): void {
    switch (instruction.op) {
      case 'load':
        register = Atomics.load(control, X);
        break;
      case 'add':
        register += 1;
        break;
      case 'store':
        Atomics.store(control, X, register);
        break;
      case 'inc':
        Atomics.add(control, X, 1);
        break;
      case 'acquire': {
        const { index, lock } = locks.get(instruction.lock)!;
        Atomics.store(control, cell(WAITING_FOR), index);
        report(ACQUIRING);
        // A real, blocking acquire: if another worker holds the lock, this thread sleeps here.
        if (!lock.acquire(IDLE_LIMIT_MS)) throw new Error(`gave up waiting for lock ${instruction.lock} after ${IDLE_LIMIT_MS} ms`);
        Atomics.store(control, cell(WAITING_FOR), -1);
        break;
      }
      case 'release':
        locks.get(instruction.lock)!.lock.release();
        break;
    }
    Atomics.store(control, cell(REGISTER), register);
  }

  Atomics.store(control, cell(WAITING_FOR), -1);
  report(IDLE);
  for (let step = 0; step < program.length; step++) {
    if (!awaitGrant(step)) throw new Error(`no grant for step ${step + 1} within ${IDLE_LIMIT_MS} ms: the scheduler is gone`);
    report(RUNNING);
    execute(program[step]);
    Atomics.store(control, cell(DONE), step + 1);
    report(step + 1 === program.length ? FINISHED : IDLE);
  }
  // Park until the scheduler ends this worker (it may still want to read the locks it holds).
  const parkedSince = performance.now();
  while (performance.now() - parkedSince < IDLE_LIMIT_MS) Atomics.wait(control, cell(GRANT), Atomics.load(control, cell(GRANT)), 1000);
}
