/**
 * A link: the two-way channel of frames between one remote handle and the owner
 * of the mailboxes. Two kinds, one protocol:
 *
 * - socket-link.ts: between processes (and between threads that were handed a
 *   handle as plain data): a pair of local sockets, one per direction;
 * - port-link.ts: between threads of one process that the kit connected (a
 *   Thread given a Queue or a pipe end): a MessagePort.
 */
import type { Frame } from './frames.js';
import type { Outbox } from './outbox.js';

/** What a link tells its user. */
export interface LinkEvents<In> {
  /** A frame arrived (frames arrive in the order they were sent). */
  frame(frame: Frame<In>): void;
  /** The link is closed: everything the other side sent before has been delivered to `frame`. */
  closed(): void;
}

export interface Link<In> {
  /** Frames to the other side. */
  readonly outbox: Outbox;
  /** Whether the other side was ever reached (false: a socket that never connected). */
  readonly reached: boolean;
  /** Starts delivering what arrives (and what arrived before) to `events`. */
  start(events: LinkEvents<In>): void;
  /** Whether the link keeps this thread or process alive (a handle waiting for an answer). */
  keepAlive(keep: boolean): void;
  /**
   * Ends the link once what was sent has left; resolves when it is closed.
   * `hold`: keep this thread or process alive until then (someone awaits it).
   */
  end(hold: boolean): Promise<void>;
}
