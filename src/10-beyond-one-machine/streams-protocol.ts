/**
 * What the stream lab (streams-lab.ts) and its consumer machines
 * (streams-consumer-process.ts) tell each other over the fork IPC channel. The
 * lab sends `{ type: 'stop' }`; a machine sends the messages below.
 */
import type { ConsumerCounts } from './streams-consumer.js';

export interface ConsumerProcessConfig {
  url: string;
  stream: string;
  group: string;
  /** Its name in the group, and its machine label. */
  name: string;
  count: number;
  blockMs: number;
  /** Claim entries idle longer than this (XAUTOCLAIM); 0: never claim. */
  minIdleMs: number;
  threshold: number;
  stallAfter?: number;
}

/** Messages to the lab. */
export type ConsumerMessage =
  | { type: 'ready'; name: string }
  | { type: 'progress' | 'report'; name: string; counts: ConsumerCounts }
  | { type: 'stalled'; name: string; counts: ConsumerCounts };

/** The password travels in the environment, not on the command line (ps shows that to everyone). */
export const PASSWORD_VARIABLE = 'COURSE_KIT_STREAM_PASSWORD';
