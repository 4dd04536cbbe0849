/**
 * The messages between a remote handle (client.ts) and the thread or process
 * that owns the mailboxes (host.ts, served-connection.ts). Every message about a
 * mailbox names it with `c` (a Queue has one mailbox, a duplex Pipe two: one
 * inbox per end). Items travel beside the header, in the frame (frames.ts).
 *
 * Producing, with credit. A remote producer may put without waiting for an
 * answer as long as it holds credit: slots the owner reserved for it (as in
 * HTTP/2 or AMQP flow control). The owner tops the credit up as batches arrive;
 * a producer out of credit sends its put as a request that waits at the owner
 * like any other put (back-pressure). The owner asks credit back (`revoke`)
 * when a put elsewhere would otherwise wait, and when the mailbox closes.
 *
 * Consuming, with prefetch. A remote consumer subscribes once; the owner then
 * pushes items to it ahead of its gets, up to a window, and each get takes the
 * next one from the local buffer. How a taken item is accounted for depends on
 * the mailbox's delivery (see mailbox.ts): a Queue's items are delivered
 * exactly once (the consumer acknowledges each item as its get returns it, and
 * the owner takes back what a departed consumer held); a Pipe streams (what
 * reached the reading end is its own, as with an OS pipe).
 */

/** How a put ended. `gone`: the owner cannot be reached any more. */
export type PutOutcome = 'accepted' | 'closed' | 'timeout' | 'canceled' | 'gone';

/** How a take ended: an item, or why none. `end`: closed and drained. */
export type TakeOutcome<T> = { kind: 'item'; item: T } | { kind: 'end' | 'timeout' | 'canceled' | 'gone' };

/** Why a take gave no item. */
export type NoItem = Exclude<TakeOutcome<unknown>['kind'], 'item'>;

/**
 * How a mailbox hands items to consumers in other threads and processes.
 * - `exactly-once` (Queue): a consumer acknowledges each item as its get returns it; what it
 *   held without acknowledging goes back to the head of the mailbox when it leaves.
 * - `stream` (Pipe): an item pushed to the reading end belongs to it (acknowledged in batches,
 *   only to open the window again); if that process dies, what it had not read is gone.
 */
export type Delivery = 'exactly-once' | 'stream';

/** Most items a remote producer may put before the owner confirms them. */
export const CREDIT_WINDOW = 1024;

/**
 * A producer sends its open batch once it holds this many items, without waiting
 * for the end of the event-loop turn, so the owner's new credit is on its way
 * before the old credit runs out.
 */
export const EARLY_FLUSH_ITEMS = CREDIT_WINDOW / 4;

/**
 * How many items the owner pushes ahead to a remote consumer. An exactly-once
 * consumer starts with a window of one and doubles it each time a get finds its
 * buffer empty (a consumer that keeps up earns a deeper buffer); one that makes
 * no get for `idleMs` while it holds items gives them back and starts over. A
 * stream reader gets the whole window at once.
 */
export const PREFETCH = { first: 1, most: 256, idleMs: 50, stream: 256 } as const;

/** Messages a remote handle sends to the owner. */
export type ClientMessage =
  /** A put that waits for room (one item in the frame). */
  | { t: 'put'; c: number; id: number; timeout?: number }
  /** Items put with credit (any number in the frame). */
  | { t: 'items'; c: number }
  | { t: 'return-credit'; c: number; n: number }
  /**
   * I consume from mailbox `c`: push me items ahead of my gets, holding at most `window`;
   * `waiting` gets wait here now with nothing to take. (The first one subscribes.)
   */
  | { t: 'want'; c: number; window: number; waiting: number }
  /** My gets took the `n` oldest items you pushed me. */
  | { t: 'took'; c: number; n: number }
  /** A get that does not wait: push me one item now if there is one, then answer `polled`. */
  | { t: 'poll'; c: number; id: number }
  /** Answer to `recall`: I gave back the newest `n` items you pushed me (none taken). */
  | { t: 'release'; c: number; n: number }
  /** Answered by `ack`. */
  | { t: 'close'; c: number; id: number; discard: boolean }
  /** Withdraw this connection's waiting requests and take back what it held, then answer `bye`. */
  | { t: 'bye'; id: number }
  /**
   * When this connection ends (its thread or process ended, was killed, or disposed of it),
   * close mailbox `c` as `close` would: no answer. A Pipe end's holder sends it, so that the
   * other end sees end of stream when the holder dies, as with an OS pipe.
   */
  | { t: 'close-when-gone'; c: number; discard: boolean };

/** Messages the owner sends to a remote handle. */
export type ServerMessage =
  | { t: 'put-done'; id: number; outcome: PutOutcome; credit: number; size: number }
  | { t: 'credit'; c: number; n: number }
  | { t: 'revoke'; c: number }
  /** Items pushed ahead of the subscriber's gets (any number in the frame). */
  | { t: 'push'; c: number }
  /** Another consumer waits for items you hold: give back (at most) your newest `n`. */
  | { t: 'recall'; c: number; n: number }
  | { t: 'polled'; id: number; size: number }
  /** The mailbox is closed: no more puts. */
  | { t: 'closed'; c: number }
  /** The mailbox is closed, drained, and nothing is held elsewhere: no item will come any more. */
  | { t: 'ended'; c: number }
  | { t: 'ack'; id: number }
  | { t: 'bye'; id: number };
