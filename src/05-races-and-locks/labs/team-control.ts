/**
 * The control panel a lab shares with its team of workers: a few Int32 cells in
 * one SharedArrayBuffer, read and written by both sides with Atomics.
 *
 * A worker blocked in `Atomics.wait` cannot read messages, so everything the main
 * thread must tell it while it runs (go, stop, give up) and everything the main
 * thread must see while it is stuck (how far it got, how often it retried) goes
 * through shared memory. The counters survive a terminated worker: a lab reports
 * them even for a worker it had to end.
 *
 * Layout: GO, ARRIVED, STOP, MET, then per member GIVE_UP, PROGRESS, RETRIES.
 * Worker-side calls block (they use `Atomics.wait`); main-side calls never do.
 */
import { checkPositiveInteger } from '../../engine/validate.js';
import { attach, attachedHandle, type Attach } from '../shared-cells.js';

/** Plain data naming a TeamControl's cells; `TeamControl.from(handle)` rebuilds it in a worker. */
export interface TeamControlHandle {
  readonly kind: 'TeamControl';
  readonly sab: SharedArrayBuffer;
  readonly members: number;
}

const GO = 0;
const ARRIVED = 1;
const STOP = 2;
const MET = 3;
const HEADER = 4;
const PER_MEMBER = 3;
const GIVE_UP = 0;
const PROGRESS = 1;
const RETRIES = 2;

export class TeamControl {
  readonly handle: TeamControlHandle;
  readonly #cells: Int32Array;

  /** Cells for a team of `members` workers. (The Attach form is how `TeamControl.from` attaches: leave it out.) */
  constructor(members: number | Attach<TeamControlHandle>) {
    const existing = attachedHandle<TeamControlHandle>(members);
    if (existing !== undefined) {
      if (existing?.kind !== 'TeamControl' || !(existing.sab instanceof SharedArrayBuffer)) {
        throw new TypeError('handle must be a TeamControl handle (control.handle)');
      }
      this.handle = existing;
    } else {
      checkPositiveInteger(members, 'members');
      const count = members as number;
      const bytes = (HEADER + PER_MEMBER * count) * Int32Array.BYTES_PER_ELEMENT;
      this.handle = { kind: 'TeamControl', sab: new SharedArrayBuffer(bytes), members: count };
    }
    this.#cells = new Int32Array(this.handle.sab);
  }

  /** The same panel seen from a worker. */
  static from(handle: TeamControlHandle): TeamControl {
    return new TeamControl(attach(handle));
  }

  get members(): number {
    return this.handle.members;
  }

  // ----- start gate -----

  /** Worker: says "I am here", then sleeps until the gate opens (false if it stayed shut for `timeoutMs`). */
  arriveAndWaitForGo(timeoutMs: number): boolean {
    Atomics.add(this.#cells, ARRIVED, 1);
    return Atomics.wait(this.#cells, GO, 0, timeoutMs) !== 'timed-out';
  }

  /** How many workers have reached the gate. */
  get arrived(): number {
    return Atomics.load(this.#cells, ARRIVED);
  }

  /** Main: opens the gate, all arrived workers start together. */
  openGate(): void {
    Atomics.store(this.#cells, GO, 1);
    Atomics.notify(this.#cells, GO);
  }

  // ----- rendezvous -----

  /**
   * Worker: waits until every member has called `meet` (true), or `timeoutMs`
   * passed or a stop was requested (false). A lab uses it once, to line the
   * workers up at the worst moment (each holding its first lock), so a deadlock
   * forms every time, however the machine schedules the threads.
   */
  meet(timeoutMs: number): boolean {
    const deadline = performance.now() + timeoutMs;
    let met = Atomics.add(this.#cells, MET, 1) + 1;
    Atomics.notify(this.#cells, MET);
    while (met < this.members) {
      const left = deadline - performance.now();
      if (left <= 0 || this.stopRequested) return false;
      Atomics.wait(this.#cells, MET, met, left);
      met = Atomics.load(this.#cells, MET);
    }
    return true;
  }

  // ----- stop -----

  /** Main: asks every worker to stop, and wakes those sleeping in `pause` or `meet`. */
  requestStop(): void {
    Atomics.store(this.#cells, STOP, 1);
    Atomics.notify(this.#cells, STOP);
    Atomics.notify(this.#cells, MET);
  }

  get stopRequested(): boolean {
    return Atomics.load(this.#cells, STOP) !== 0;
  }

  /** Worker: sleeps `ms` milliseconds, or less if a stop is requested meanwhile. */
  pause(ms: number): void {
    if (ms > 0) Atomics.wait(this.#cells, STOP, 0, ms);
  }

  // ----- give up (how a watchdog breaks a deadlock) -----

  /** Main: asks member `index` to give up what it is waiting for (and release what it holds). */
  requestGiveUp(index: number): void {
    Atomics.store(this.#cells, this.#cell(index, GIVE_UP), 1);
  }

  /** Whether a give-up request for member `index` is still waiting to be taken. */
  giveUpPending(index: number): boolean {
    return Atomics.load(this.#cells, this.#cell(index, GIVE_UP)) !== 0;
  }

  /** Worker: takes its give-up request if there is one (true), clearing it. */
  takeGiveUp(index: number): boolean {
    return Atomics.exchange(this.#cells, this.#cell(index, GIVE_UP), 0) !== 0;
  }

  // ----- counters -----

  /** How far member `index` got (rounds, meals, acquisitions: the lab decides). */
  progress(index: number): number {
    return Atomics.load(this.#cells, this.#cell(index, PROGRESS));
  }

  addProgress(index: number, amount = 1): void {
    Atomics.add(this.#cells, this.#cell(index, PROGRESS), amount);
  }

  /** How often member `index` backed off and tried again. */
  retries(index: number): number {
    return Atomics.load(this.#cells, this.#cell(index, RETRIES));
  }

  addRetry(index: number): void {
    Atomics.add(this.#cells, this.#cell(index, RETRIES), 1);
  }

  /** Every member's progress, in member order. */
  allProgress(): number[] {
    return Array.from({ length: this.members }, (_, index) => this.progress(index));
  }

  /** Every member's retries, in member order. */
  allRetries(): number[] {
    return Array.from({ length: this.members }, (_, index) => this.retries(index));
  }

  #cell(index: number, field: number): number {
    if (!Number.isInteger(index) || index < 0 || index >= this.members) {
      throw new RangeError(`member index must be an integer from 0 to ${this.members - 1}, got ${String(index)}`);
    }
    return HEADER + index * PER_MEMBER + field;
  }
}
