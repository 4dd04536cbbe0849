/**
 * A fair lock: the ticket lock, as at a bakery counter.
 *
 * Two counters in shared memory: the next ticket to hand out, and the ticket now
 * being served. To take the lock, draw a ticket (`Atomics.add(next, 1)`: no two
 * threads get the same number) and sleep until "now serving" shows it. To
 * release, add one to "now serving" and wake the sleepers; only the one whose
 * ticket is up goes on. Threads are served strictly in the order they drew
 * tickets (FIFO): nobody can starve, unlike with the kit's Lock or a
 * test-and-set lock, where whoever is quickest after a release wins, and the
 * thread that just released is often quickest.
 *
 * The price: the lock always goes to the next in line, even if that thread is
 * asleep or not even running, while a running thread that wants it must wait;
 * on a busy machine that costs throughput. And every release wakes all the
 * sleepers to look at "now serving" (fine for a few threads).
 *
 * Giving up (a timeout) is the delicate part: a ticket drawn cannot be handed
 * back, and a ticket nobody will use would stop the line forever. So a thread
 * that times out marks its ticket "abandoned" in a ring of slots, and the
 * releaser skips abandoned tickets. The releaser and the quitter settle any race
 * with one compareExchange on that slot: whoever changes it first decides
 * whether the quitter leaves or gets the lock after all.
 */
import { deadlineAfter, runAsync, runBlocking, type Waiting } from '../05-races-and-locks/atomic-wait.js';
import {
  attach,
  openCells,
  refuseReentry,
  refuseReleaseByOther,
  selfTag,
  threadOfTag,
  type Attach,
  type SharedHandle,
} from '../05-races-and-locks/shared-cells.js';
import { registerRevivable } from '../engine/revivable.js';

/** Plain data naming a TicketLock's cells; `TicketLock.from(handle)` rebuilds it in a worker. */
export type TicketLockHandle = SharedHandle<'TicketLock'>;

/**
 * Size of the ring of "abandoned" marks. At most this many tickets minus one may
 * be outstanding (held, waiting, or abandoned and not yet skipped); a thread that
 * finds the line that long waits for room before drawing (within its timeout).
 */
export const TICKET_LOCK_MAX_QUEUE = 256;

const NEXT = 0;
const SERVING = 1;
const HOLDER = 2;
const FIRST_SLOT = 3;
const CELLS = FIRST_SLOT + TICKET_LOCK_MAX_QUEUE;

/** The cell where ticket `ticket` may be marked abandoned. */
const slotOf = (ticket: number): number => FIRST_SLOT + (ticket & (TICKET_LOCK_MAX_QUEUE - 1));
/**
 * What an unmarked slot holds: a value no ticket of that slot can have (its low
 * bits differ), so a mark is simply the ticket's number, with no confusion even
 * after the counters wrap around 2^32.
 */
const emptyMark = (cell: number): number => ~(cell - FIRST_SLOT);

export class TicketLock {
  /** Send this to a worker; rebuild there with `TicketLock.from`. */
  readonly handle: TicketLockHandle;
  readonly #cells: Int32Array;

  /** A new, free ticket lock. (The argument is how `TicketLock.from` attaches: leave it out.) */
  constructor(existing?: Attach<TicketLockHandle>) {
    const opened = openCells<TicketLockHandle>(existing, 'TicketLock', CELLS);
    ({ handle: this.handle, cells: this.#cells } = opened);
    if (!opened.attached) {
      for (let cell = FIRST_SLOT; cell < CELLS; cell++) this.#cells[cell] = emptyMark(cell);
    }
  }

  /** The same lock, seen from this thread. */
  static from(handle: TicketLockHandle): TicketLock {
    return new TicketLock(attach(handle));
  }

  /** Draws a ticket and blocks this thread until it is served (workers only). False if `timeout` ms pass first. */
  acquire(timeout?: number): boolean {
    return runBlocking(this.#acquireSteps(deadlineAfter(timeout)), 'TicketLock.acquire()', 'await ticketLock.acquireAsync()');
  }

  /** Draws a ticket and waits without blocking the event loop (any thread). Resolves false on timeout. */
  acquireAsync(timeout?: number): Promise<boolean> {
    return runAsync(() => this.#acquireSteps(deadlineAfter(timeout)));
  }

  /** Takes the lock only if nobody holds it or waits for it now; never waits. */
  tryAcquire(): boolean {
    refuseReentry(this.#cells, HOLDER, 'TicketLock.tryAcquire()');
    const serving = Atomics.load(this.#cells, SERVING);
    if (Atomics.compareExchange(this.#cells, NEXT, serving, (serving + 1) | 0) !== serving) return false;
    Atomics.store(this.#cells, HOLDER, selfTag);
    return true;
  }

  /** Serves the next ticket (skipping abandoned ones). Only the holding thread may release. */
  release(): void {
    refuseReleaseByOther(this.#cells, HOLDER, 'TicketLock');
    Atomics.store(this.#cells, HOLDER, 0);
    let next = (Atomics.load(this.#cells, SERVING) + 1) | 0;
    for (;;) {
      Atomics.store(this.#cells, SERVING, next);
      Atomics.notify(this.#cells, SERVING);
      // If ticket `next` was abandoned, take its mark away and serve the one after it.
      const cell = slotOf(next);
      if (Atomics.compareExchange(this.#cells, cell, next, emptyMark(cell)) !== next) return;
      next = (next + 1) | 0;
    }
  }

  /** Whether the lock is held or has tickets waiting (a snapshot). */
  get locked(): boolean {
    return Atomics.load(this.#cells, NEXT) !== Atomics.load(this.#cells, SERVING);
  }

  /** The thread id of the holder, or undefined. */
  get holder(): number | undefined {
    return threadOfTag(Atomics.load(this.#cells, HOLDER));
  }

  get isHeldByCurrentThread(): boolean {
    return Atomics.load(this.#cells, HOLDER) === selfTag;
  }

  /** The ticket now being served. */
  get nowServing(): number {
    return Atomics.load(this.#cells, SERVING);
  }

  /** The next ticket to be drawn. */
  get nextTicket(): number {
    return Atomics.load(this.#cells, NEXT);
  }

  /** Tickets drawn but not yet served (waiting threads, plus abandoned tickets not yet skipped). */
  get waiterCount(): number {
    const outstanding = (Atomics.load(this.#cells, NEXT) - Atomics.load(this.#cells, SERVING)) | 0;
    return Math.max(0, outstanding - (Atomics.load(this.#cells, HOLDER) !== 0 ? 1 : 0));
  }

  *#acquireSteps(deadline: number): Waiting<boolean> {
    refuseReentry(this.#cells, HOLDER, 'TicketLock.acquire()');
    let ticket: number;
    for (;;) {
      // Draw a ticket, if the line has room (abandoned tickets count until they are skipped).
      const next = Atomics.load(this.#cells, NEXT);
      const serving = Atomics.load(this.#cells, SERVING);
      if (((next - serving) | 0) < TICKET_LOCK_MAX_QUEUE - 1) {
        if (Atomics.compareExchange(this.#cells, NEXT, next, (next + 1) | 0) === next) {
          ticket = next;
          break;
        }
        continue;
      }
      const outcome = yield { cells: this.#cells, index: SERVING, expected: serving, deadline };
      if (outcome === 'timed-out') return false;
    }
    for (;;) {
      const serving = Atomics.load(this.#cells, SERVING);
      if (serving === ticket) break;
      const outcome = yield { cells: this.#cells, index: SERVING, expected: serving, deadline };
      if (outcome !== 'timed-out' || Atomics.load(this.#cells, SERVING) === ticket) continue;
      const quit = this.#abandon(ticket);
      if (quit === 'left') return false;
      if (quit === 'served') break;
      deadline = performance.now() + 1; // the slot is still marked by an older ticket: try again shortly
    }
    Atomics.store(this.#cells, HOLDER, selfTag);
    return true;
  }

  /**
   * Marks `ticket` abandoned. 'left': the releaser will skip it. 'served': the
   * releaser reached it first, so this thread holds the lock after all.
   * 'busy': the slot still carries an older mark.
   */
  #abandon(ticket: number): 'left' | 'served' | 'busy' {
    const cell = slotOf(ticket);
    if (Atomics.compareExchange(this.#cells, cell, emptyMark(cell), ticket) !== emptyMark(cell)) return 'busy';
    // The releaser may have served this ticket just before seeing the mark.
    if (Atomics.load(this.#cells, SERVING) !== ticket) return 'left';
    // Served: whoever takes the mark away first decides. If it is us, the lock is ours.
    return Atomics.compareExchange(this.#cells, cell, ticket, emptyMark(cell)) === ticket ? 'served' : 'left';
  }
}

// A TicketLock given to a Thread or Process arrives as its handle and is rebuilt there with TicketLock.from.
registerRevivable('TicketLock', { module: import.meta.url, export: 'TicketLock', method: 'from' });
