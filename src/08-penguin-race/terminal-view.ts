/**
 * The live track in a terminal: each frame replaces the previous one in place
 * (ANSI: cursor up over the old lines, clear to the end of the screen), at most
 * one frame per `minIntervalMs` of real time however fast frames come (the
 * virtual clock makes them very fast). The cursor is hidden while drawing and
 * shown again at the end.
 *
 * "Up over the old lines" counts the rows the terminal showed, not the lines
 * written: a line wider than the terminal wraps onto more rows, and counting it
 * as one would leave a stale row behind at every frame. The track is drawn to
 * the terminal's width, so that only happens when it is narrower than a lane.
 */
import type { RaceSnapshot } from './snapshot.js';
import { renderTrackText } from './track-view.js';

export interface TerminalViewOptions {
  label?: string;
  minIntervalMs?: number;
  maxPenguins?: number;
}

export class TerminalView {
  readonly #out: NodeJS.WriteStream;
  readonly #options: TerminalViewOptions;
  #linesOnScreen = 0;
  #lastDrawAt = -Infinity;
  #latest: RaceSnapshot | undefined;

  constructor(out: NodeJS.WriteStream, options: TerminalViewOptions = {}) {
    this.#out = out;
    this.#options = options;
  }

  /** Draws `snapshot` unless a frame was drawn less than minIntervalMs ago (then it is kept for finish()). */
  draw(snapshot: RaceSnapshot): void {
    this.#latest = snapshot;
    const now = performance.now();
    if (now - this.#lastDrawAt < (this.#options.minIntervalMs ?? 50)) return;
    this.#lastDrawAt = now;
    this.#paint(snapshot);
  }

  /** Draws the last frame for good and shows the cursor again. */
  finish(snapshot = this.#latest): void {
    if (snapshot) this.#paint(snapshot);
    if (this.#linesOnScreen > 0) this.#out.write('\x1b[?25h\n');
    this.#linesOnScreen = 0;
  }

  #paint(snapshot: RaceSnapshot): void {
    const text = renderTrackText(snapshot, {
      width: this.#out.columns || 80,
      color: true,
      label: this.#options.label,
      maxPenguins: this.#options.maxPenguins ?? Math.max(3, (this.#out.rows || 24) - 6),
    });
    const up = this.#linesOnScreen > 1 ? `\x1b[${this.#linesOnScreen - 1}F` : '\r';
    this.#out.write(`${this.#linesOnScreen === 0 ? '\x1b[?25l' : up}\x1b[J${text}`);
    this.#linesOnScreen = rowsOnScreen(text, this.#out.columns || 80);
  }
}

/** The rows `text` takes on a terminal `columns` wide: each line, wrapped (color codes take no room). */
export function rowsOnScreen(text: string, columns: number): number {
  let rows = 0;
  for (const line of text.split('\n')) rows += Math.max(1, Math.ceil(line.replace(/\x1b\[[0-9;]*m/g, '').length / columns));
  return rows;
}
