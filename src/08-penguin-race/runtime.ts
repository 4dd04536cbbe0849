/**
 * What a runtime is: only a transport. It starts the actors (tasks, worker
 * threads, child processes or network clients), carries their requests to the
 * RaceServer and its replies back, and ends everything it started. The rules
 * live in server.ts and actors.ts, the same for all of them.
 */
import type { Clock } from './clock.js';
import type { NormalizedRaceOptions } from './options.js';
import type { Role } from './protocol.js';
import type { RaceServer } from './server.js';

export interface RuntimeContext {
  server: RaceServer;
  clock: Clock;
  options: NormalizedRaceOptions;
}

/** An actor's own count of its requests and replies (sent when it stops). */
export interface ActorReport {
  role: Role;
  id: number;
  requests: number;
  replies: number;
  /** Replies whose seq did not match the request in flight: should be 0. */
  mismatches: number;
  /** False when the actor went away without reporting (crashed, killed, disconnected). */
  reported: boolean;
  /** Real ms from sending each request to getting its reply, as the actor saw it (transport included). */
  roundTripsMs?: number[];
}

/** Where an actor runs. */
export interface ActorInfo {
  role: Role;
  id: number;
  /** Child process id (processes, net). */
  pid?: number;
  /** Worker thread id (threads). */
  threadId?: number;
}

export interface RaceRuntime {
  /** Starts every actor; resolves once all are ready to race (rejects, naming who, if one is not in time). */
  launch(): Promise<void>;
  /** Lets every actor go. */
  begin(): void;
  /**
   * After the race: lets every actor finish its last request and report, then
   * ends every worker, child, socket and server it started. Bounded in time;
   * never throws; safe to call at any point, also after a failed launch.
   */
  close(): Promise<ActorReport[]>;
  /** Who runs where (filled in as actors start). */
  readonly actors: ActorInfo[];
  /** net: where the server listens (once launch() has started it). */
  readonly address?: { host: string; port: number };
}

/** Every actor of a race, penguins first: the order actors start in, on every runtime. */
export function everyActor(rules: { penguins: number; flies: number }): Array<{ role: Role; id: number }> {
  return [
    ...Array.from({ length: rules.penguins }, (_, id) => ({ role: 'penguin' as const, id })),
    ...Array.from({ length: rules.flies }, (_, id) => ({ role: 'fly' as const, id })),
  ];
}
