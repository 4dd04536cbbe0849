/**
 * What the client and the engines agree on, all of it kept in Redis: the names
 * of the BullMQ queues, the keys where engines announce themselves, the shape
 * of a job, and how values travel.
 *
 * - Each engine `<id>` reads its own queue `direct-<id>` (BullMQ forbids ":" in a
 *   queue name): execute, push, pull and apply for that engine only, in order.
 * - Every engine also reads the shared queue `balanced`: whichever engine is free
 *   takes the next task (the load-balanced view).
 * - An engine is alive while its heartbeat key `cluster:engine:<id>` exists: it
 *   renews the key every second with a 3 s time-to-live, so a killed engine
 *   disappears from `rc.ids` within 3 s.
 * - Values (pushed, pulled, arguments, results) travel as structured clones
 *   (v8.serialize, base64 in the job's JSON), like messages to a worker: a Map or
 *   a Date arrives as one, a function does not travel as a value.
 */
import { deserialize, serialize } from 'node:v8';

/** BullMQ key prefix for the cluster's queues. */
export const QUEUE_PREFIX = 'cluster';
export const BALANCED_QUEUE = 'balanced';
export const directQueue = (engineId: number): string => `direct-${engineId}`;

/** Counter that hands out engine ids 0, 1, 2... */
export const NEXT_ID_KEY = 'cluster:next-engine-id';
/** Set of every engine id ever registered (the live ones also have a heartbeat key). */
export const ENGINES_KEY = 'cluster:engines';
export const heartbeatKey = (engineId: number): string => `cluster:engine:${engineId}`;
export const HEARTBEAT_EVERY_MS = 1000;
export const HEARTBEAT_TTL_MS = 3000;

/** What an engine says about itself in its heartbeat key. */
export interface EngineInfo {
  readonly id: number;
  /** A name for the machine: os.hostname() unless --host-label says otherwise. */
  readonly host: string;
  readonly pid: number;
}

/** A function as it travels: source text (see src/engine/shipped-function.cts). */
export interface FunctionText {
  readonly source: string;
  readonly name: string;
}

/** The jobs on an engine's direct queue. `encoded` fields are `encode()`d values. */
export type DirectJob =
  | { readonly op: 'execute'; readonly code: string }
  | { readonly op: 'push'; readonly encoded: string }
  | { readonly op: 'pull'; readonly names: readonly string[] }
  | { readonly op: 'apply'; readonly fn: FunctionText; readonly encoded: string };

/** A job on the balanced queue: call `fn` with the decoded arguments. */
export interface BalancedJob {
  readonly fn: FunctionText;
  readonly encoded: string;
  /** Position in a map, for the results' order. */
  readonly index: number;
}

/** What an engine sends back for a job. */
export type Outcome =
  | { readonly ok: true; readonly engine: number; readonly encoded: string; readonly resubmitted: number }
  | { readonly ok: false; readonly engine: number; readonly error: RemoteErrorData; readonly resubmitted: number };

/** An error thrown on an engine, as it travels back. */
export interface RemoteErrorData {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

/** A value to text (structured clone, base64). A value that cannot be cloned throws a TypeError saying what. */
export function encode(value: unknown, what: string): string {
  try {
    return serialize(value).toString('base64');
  } catch (error) {
    throw new TypeError(`${what} cannot be sent between machines: ${(error as Error).message}`, { cause: error });
  }
}

export function decode(text: string): unknown {
  return deserialize(Buffer.from(text, 'base64'));
}

/** A name that pull/push accept: a JavaScript identifier. */
export function checkName(name: unknown, what: string): string {
  if (typeof name !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(name)) {
    throw new TypeError(`${what} must be a variable name such as "a", got ${JSON.stringify(name) ?? String(name)}`);
  }
  return name;
}
