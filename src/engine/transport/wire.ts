/**
 * What a remote producer and a remote inbox (remote-producer.ts,
 * remote-inbox.ts) need from the connection they belong to (client.ts).
 */
import type { Outbox } from './outbox.js';
import type { ClientMessage, ServerMessage } from './protocol.js';

export interface Wire {
  /** Frames to the owner, connecting on first use; undefined once the owner is gone. */
  outbox(): Outbox | undefined;
  /** Sends a request; resolves with its answer, or undefined when the owner went away first. */
  request(message: (id: number) => ClientMessage, items?: readonly unknown[]): Promise<ServerMessage | undefined>;
  /** Whether this side knows mailbox `c` is closed. */
  isClosed(c: number): boolean;
  /** Something that may keep the process alive changed (a wait began or ended). */
  refresh(): void;
}
