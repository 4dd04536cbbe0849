/**
 * What the race looks like at one moment: the data a frame is drawn from (the
 * ASCII track in a terminal, an SVG in a notebook). A copy: keeping it does not
 * keep the server's state alive, and changing it changes nothing.
 */

/** Why a race ended: everyone crossed the line (or dropped out), the time bound, Ctrl-C / stop(), or an error. */
export type RaceEnd = 'finished' | 'time-bound' | 'interrupted' | 'error';

export interface PenguinView {
  id: number;
  position: number;
  /** 1 for the winner; undefined while racing. */
  place?: number;
  knockdowns: number;
  /** Dropped out (its client or worker went away). */
  retired: boolean;
}

export interface FlyView {
  id: number;
  /** Undefined until the fly has reported once. */
  position?: number;
  target: number;
}

/** A knockdown, where and when it happened (the views mark the latest ones). */
export interface Knockdown {
  /** Race time in ms. */
  t: number;
  penguin: number;
  fly: number;
  /** The cell the penguin was knocked off. */
  at: number;
}

export interface RaceSnapshot {
  /** Race time in ms (real or virtual). */
  time: number;
  length: number;
  over: boolean;
  ended?: RaceEnd;
  penguins: PenguinView[];
  flies: FlyView[];
  /** Penguin ids in finishing order. */
  finishOrder: number[];
  knockdowns: number;
  /** The latest knockdowns, oldest first (the server keeps a few dozen). */
  recentKnockdowns?: Knockdown[];
  /** Requests (moves and fly reports) the server has answered. */
  requests: number;
  messages: { received: number; sent: number };
}
