/**
 * The messages between a remote handle (client.ts) and the process that
 * owns the mailboxes (host.ts). Every message names a mailbox `c` (a Queue
 * has one mailbox, a duplex Pipe two: one inbox per end). Items travel beside the
 * header, in the frame (frames.ts).
 *
 * Credit: a remote producer may put without waiting for an answer as long as it
 * holds credit, a number of slots the owner reserved for it (as in HTTP/2 or AMQP
 * flow control). A `put` without credit is a request that waits at the owner like
 * any other put; its answer grants the next credit, and so does the owner's answer
 * to every batch of items put with credit. The owner asks credit back
 * (`revoke`) when a put elsewhere would otherwise wait, and when the mailbox closes.
 */

/**
 * Every message that matters is answered, and a handle keeps its process alive
 * until the answers are in. That is not politeness: a process that exits with
 * unread data in its socket makes the kernel reset the connection, and the owner
 * would then lose what it had not read yet from that socket.
 */

/** How a put ended. `gone`: the owner cannot be reached any more. */
export type PutOutcome = 'accepted' | 'closed' | 'timeout' | 'cancelled' | 'gone';

/** How a take ended: some items, or why none. `end`: closed and drained. */
export type TakeOutcome<T> = { kind: 'items'; items: T[] } | { kind: 'end' | 'timeout' | 'cancelled' | 'gone' };

/** Most items a remote producer may put before the owner confirms them. */
export const CREDIT_WINDOW = 1024;

/**
 * A producer sends its open batch once it holds this many items, without waiting
 * for the end of the event-loop turn, so the owner's new credit is on its way
 * before the old credit runs out.
 */
export const EARLY_FLUSH_ITEMS = CREDIT_WINDOW / 4;

/** Messages a remote handle sends to the owner. */
export type ClientMessage =
  /** A put that waits for room (one item in the frame). */
  | { t: 'put'; c: number; id: number; timeout?: number }
  /** Items put with credit (any number in the frame). Always answered by `credit`. */
  | { t: 'items'; c: number }
  | { t: 'take'; c: number; id: number; max: number; timeout?: number }
  | { t: 'return-credit'; c: number; n: number }
  /** Items taken but not used (an iteration stopped early): back to the front. Answered by `ack`. */
  | { t: 'give-back'; c: number; id: number }
  /** Answered by `ack`. */
  | { t: 'close'; c: number; id: number; discard: boolean }
  /** Withdraw this connection's waiting requests, then answer `bye`. */
  | { t: 'bye'; id: number };

/** Messages the owner sends to a remote handle. */
export type ServerMessage =
  | { t: 'put-done'; id: number; outcome: PutOutcome; credit: number; size: number }
  | { t: 'taken'; id: number; kind: TakeOutcome<unknown>['kind']; size: number }
  | { t: 'credit'; c: number; n: number }
  | { t: 'revoke'; c: number }
  | { t: 'closed'; c: number }
  | { t: 'ack'; id: number }
  | { t: 'bye'; id: number };
