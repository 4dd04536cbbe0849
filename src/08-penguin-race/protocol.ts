/**
 * The messages of the race: what actors (penguins and flies) send to the
 * server and what it answers. They are plain JSON-able objects, the same on
 * every transport: a function call (async), a MessagePort (threads), an IPC
 * channel (processes) or a line of JSON on a TCP socket (net).
 *
 * Requests and replies pair up by `seq`: an actor numbers its requests 1, 2,
 * 3... and has at most one in flight; every request gets exactly one reply with
 * the same seq. Anything malformed gets an `error` reply and changes nothing.
 */
import type { RaceRules } from './options.js';
import { flyCells } from './rules.js';

export type Role = 'penguin' | 'fly';

/** A penguin asks to move `step` cells from where it believes it is (`from`). */
export interface MoveRequest {
  type: 'move';
  penguin: number;
  seq: number;
  from: number;
  step: number;
  /** Virtual clock only: the actor's pause (ms) before this request, applied by the host. */
  wait?: number;
}

/** A fly reports where it moved and which penguin it hunts. */
export interface FlyReport {
  type: 'fly';
  fly: number;
  seq: number;
  position: number;
  target: number;
  wait?: number;
}

export type RaceRequest = MoveRequest | FlyReport;

/** The server's answer to a MoveRequest. */
export interface MoveReply {
  type: 'moved';
  penguin: number;
  seq: number;
  granted: boolean;
  /**
   * Why a move was refused: 'race-over', 'finished', 'retired'; with the extra
   * rules, 'busy' (denyRate) and 'stale' (refuseStale).
   */
  reason?: string;
  /** The penguin's position after this request, as the server has it. */
  position: number;
  /** The penguin landed on a fly's cell and is back at 0. */
  knockedDown: boolean;
  /** Set once the penguin crossed the line: its place, 1 for the winner. */
  place?: number;
  /** No more requests: the penguin finished, was retired, or the race is over. */
  done: boolean;
}

/** The server's answer to a FlyReport. */
export interface FlyReply {
  type: 'flew';
  fly: number;
  seq: number;
  /** The penguin the fly hunts now (the server picks one if the fly's target is out of the race). */
  target: number;
  targetPosition: number;
  /** The fly knocked a penguin down since its last report. */
  knocked: boolean;
  done: boolean;
}

export interface ErrorReply {
  type: 'error';
  seq?: number;
  message: string;
}

export type RaceReply = MoveReply | FlyReply | ErrorReply;

/** Actor → host, around the race itself. */
export interface Hello {
  type: 'hello';
  role: Role;
  id: number;
}
/** An actor's own count, sent when it stops: every request should have had one reply. */
export interface Bye {
  type: 'bye';
  requests: number;
  replies: number;
  /** Replies that did not match the request in flight (should be none). */
  mismatches: number;
  /** Real ms from sending each request to getting its reply. */
  roundTripsMs: number[];
}
export type ActorMessage = RaceRequest | Hello | Bye;

/** Host → actor. */
export interface Start {
  type: 'start';
  rules: RaceRules;
}
export interface Stop {
  type: 'stop';
}
export type HostMessage = RaceReply | Start | Stop;

const isInt = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value);

/** Clock key for an actor: penguins 0..N-1, flies N..N+M-1. */
export function actorIndex(role: Role, id: number, rules: Pick<RaceRules, 'penguins'>): number {
  return role === 'penguin' ? id : rules.penguins + id;
}

/** The actor a request comes from. */
export function requester(request: RaceRequest): { role: Role; id: number } {
  return request.type === 'move' ? { role: 'penguin', id: request.penguin } : { role: 'fly', id: request.fly };
}

/** Checks a request against the rules; a string says what is wrong with it. */
export function parseRequest(value: unknown, rules: RaceRules): RaceRequest | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'a request must be a JSON object';
  const message = value as Record<string, unknown>;
  if (!isInt(message.seq) || message.seq < 1) return 'seq must be an integer >= 1';
  if (message.wait !== undefined && !(typeof message.wait === 'number' && message.wait >= 0 && message.wait <= 600_000)) {
    return 'wait must be a number of ms from 0 to 600000';
  }
  if (message.type === 'move') {
    const { penguin, from, step } = message;
    if (!isInt(penguin) || penguin < 0 || penguin >= rules.penguins) return `penguin must be an integer from 0 to ${rules.penguins - 1}`;
    if (!isInt(from) || from < 0 || from > rules.length) return `from must be an integer from 0 to ${rules.length}`;
    if (!isInt(step) || step < 1 || step > rules.maxStep) return `step must be an integer from 1 to ${rules.maxStep}`;
    return { type: 'move', penguin, seq: message.seq, from, step, wait: message.wait as number | undefined };
  }
  if (message.type === 'fly') {
    const { fly, position, target } = message;
    if (!isInt(fly) || fly < 0 || fly >= rules.flies)
      return rules.flies === 0 ? 'this race has no flies' : `fly must be an integer from 0 to ${rules.flies - 1}`;
    const [first, last] = flyCells(rules.length, rules);
    if (!isInt(position) || position < first || position > last) return `position must be an integer from ${first} to ${last}`;
    if (!isInt(target) || target < 0 || target >= rules.penguins) return `target must be an integer from 0 to ${rules.penguins - 1}`;
    return { type: 'fly', fly, seq: message.seq, position, target, wait: message.wait as number | undefined };
  }
  return `unknown request type ${JSON.stringify(message.type)} (expected "move" or "fly")`;
}

/** Checks a hello; a string says what is wrong. */
export function parseHello(value: unknown, rules: RaceRules): Hello | string {
  const message = value as Partial<Hello> | null;
  if (typeof message !== 'object' || message === null || message.type !== 'hello')
    return 'the first message must be {"type":"hello","role":"penguin"|"fly","id":N}';
  const { role, id } = message;
  if (role !== 'penguin' && role !== 'fly') return 'role must be "penguin" or "fly"';
  const count = role === 'penguin' ? rules.penguins : rules.flies;
  if (!isInt(id) || id < 0 || id >= count) return `no ${role} ${String(id)} in this race (ids 0 to ${count - 1})`;
  return { type: 'hello', role, id };
}
