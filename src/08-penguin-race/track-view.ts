/**
 * Drawing a snapshot of the race: as ASCII lines for a terminal (a row of
 * flies, one lane per penguin, the finish line, a legend, a status line), or
 * as an SVG string for a notebook cell. Pure functions of the snapshot.
 *
 *   fly |      F      |          a fly at cell 6: any penguin there is knocked back
 *   P3  |..X...:..P...|          penguin 3 at cell 9, knocked off cell 2 a moment ago
 *   P1  |......:.....P|1st       penguin 1 crossed the line first
 */
import type { RaceSnapshot } from './snapshot.js';

export interface TrackTextOptions {
  /** Total width in characters (default 72). */
  width?: number;
  /** Lanes shown at most; the rest are summed up in one line (default 20). */
  maxPenguins?: number;
  /** ANSI colors (default false). */
  color?: boolean;
  /** Text at the start of the status line, e.g. "async, real clock". */
  label?: string;
}

const ANSI = { penguin: '\x1b[1;36m', fly: '\x1b[1;31m', done: '\x1b[32m', dim: '\x1b[2m', reset: '\x1b[0m' };

/** "1st", "2nd", "3rd", "4th", ... */
export function ordinal(place: number): string {
  const tens = place % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[place % 10] ?? 'th');
  return `${place}${suffix}`;
}

/** The status line: time, finished, knockdowns, requests, messages. */
export function statusLine(snapshot: RaceSnapshot, label?: string): string {
  return statusParts(snapshot, label).join(' | ');
}

function statusParts(snapshot: RaceSnapshot, label?: string): string[] {
  const finished = snapshot.finishOrder.length;
  const retired = snapshot.penguins.filter((p) => p.retired).length;
  const parts = [
    label,
    `t ${(snapshot.time / 1000).toFixed(2)} s`,
    `finished ${finished}/${snapshot.penguins.length}`,
    retired > 0 ? `retired ${retired}` : undefined,
    `knockdowns ${snapshot.knockdowns}`,
    `requests ${snapshot.requests}`,
    `messages in/out ${snapshot.messages.received}/${snapshot.messages.sent}`,
    snapshot.over ? `race ${snapshot.ended}` : undefined,
  ];
  return parts.filter((part): part is string => part !== undefined);
}

/** Joins `parts` with " | ", starting a new line where the next part would go past `width`. */
function fitParts(parts: string[], width: number): string[] {
  const lines: string[] = [];
  for (const part of parts) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + 3 + part.length <= width) lines[lines.length - 1] = `${last} | ${part}`;
    else lines.push(part);
  }
  return lines;
}

/** How long a knockdown stays marked on the track, in ms of race time. */
export const KNOCKDOWN_MARK_MS = 1000;

/** The knockdowns of the last KNOCKDOWN_MARK_MS, as "penguin id -> cells it was knocked off". */
function recentMarks(snapshot: RaceSnapshot): Map<number, number[]> {
  const marks = new Map<number, number[]>();
  for (const knockdown of snapshot.recentKnockdowns ?? []) {
    if (knockdown.t < snapshot.time - KNOCKDOWN_MARK_MS) continue;
    marks.set(knockdown.penguin, [...(marks.get(knockdown.penguin) ?? []), knockdown.at]);
  }
  return marks;
}

/** What the symbols mean: a fly hits any penguin on its cell (the ':' column), X marks a recent knockdown. */
const TEXT_LEGEND = ['P penguin', 'F fly, : its cell', `X knocked down (last ${KNOCKDOWN_MARK_MS / 1000} s)`];

/**
 * The track as lines of text (no trailing newline): a row of flies over the
 * lanes, a lane per penguin, a legend and a status line. The lanes shrink and
 * the legend and status wrap to fit `width`.
 */
export function renderTrackText(snapshot: RaceSnapshot, options: TrackTextOptions = {}): string {
  const { width = 72, maxPenguins = 20, color = false, label } = options;
  const paint = (text: string, code: string): string => (color ? `${code}${text}${ANSI.reset}` : text);
  const count = snapshot.penguins.length;
  const shown = snapshot.penguins.slice(0, maxPenguins);
  const labelWidth = Math.max(3, `P${Math.min(count, maxPenguins) - 1}`.length) + 1;
  // What follows a lane: "12th kd3". Reserved for the widest, so every lane ends at the same column.
  const tailOf = (penguin: RaceSnapshot['penguins'][number]) => [
    penguin.place !== undefined ? ordinal(penguin.place) : penguin.retired ? 'out' : '',
    penguin.knockdowns > 0 ? ` kd${penguin.knockdowns}` : '',
  ];
  const tailWidth = Math.max(3, ...shown.map((penguin) => tailOf(penguin).join('').length));
  const cells = Math.max(4, Math.min(snapshot.length + 1, width - labelWidth - 2 - tailWidth));
  const column = (position: number): number => Math.round((position * (cells - 1)) / snapshot.length);
  const flyColumns = snapshot.flies.flatMap((fly) => (fly.position === undefined ? [] : [column(fly.position)]));
  const marks = recentMarks(snapshot);
  const lines: string[] = [];
  if (snapshot.flies.length > 0) {
    const row: string[] = Array.from({ length: cells }, () => ' ');
    for (const at of flyColumns) row[at] = paint('F', ANSI.fly);
    lines.push(`${'fly'.padEnd(labelWidth)}|${row.join('')}|`);
  }
  for (const penguin of shown) {
    const lane: string[] = Array.from({ length: cells }, () => '.');
    for (const at of flyColumns) lane[at] = paint(':', ANSI.fly);
    for (const at of marks.get(penguin.id) ?? []) lane[column(at)] = paint('X', ANSI.fly);
    const symbol = penguin.retired ? 'x' : 'P';
    lane[column(penguin.position)] = paint(symbol, penguin.place !== undefined ? ANSI.done : ANSI.penguin);
    const [place, knocks] = tailOf(penguin);
    const tail = `${penguin.place !== undefined ? paint(place, ANSI.done) : place}${knocks && paint(knocks, ANSI.dim)}`;
    lines.push(`${`P${penguin.id}`.padEnd(labelWidth)}|${lane.join('')}|${tail}`);
  }
  if (count > maxPenguins) {
    const hidden = snapshot.penguins.slice(maxPenguins);
    const done = hidden.filter((p) => p.place !== undefined).length;
    lines.push(`... and ${count - maxPenguins} more penguins (${done} of them finished)`);
  }
  lines.push(...fitParts(snapshot.flies.length > 0 ? TEXT_LEGEND : TEXT_LEGEND.slice(0, 1), width).map((line) => paint(line, ANSI.dim)));
  lines.push(...fitParts(statusParts(snapshot, label), width));
  return lines.join('\n');
}

export interface TrackSvgOptions {
  /** Width in pixels (default 720). */
  width?: number;
  /** Height of one lane in pixels (default 24). */
  laneHeight?: number;
  /** Lanes drawn at most (default 30). */
  maxPenguins?: number;
}

const escapeXml = (text: string): string => text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

const FLY_RED = '#c62828';

/** A penguin seen from the front, centered on (x, y): black back, white belly, orange beak. */
function penguinShape(x: number, y: number, title: string, style: 'racing' | 'finished' | 'retired'): string {
  const ring = style === 'finished' ? `<circle cx="${x}" cy="${y}" r="10" fill="#c8e6c9" stroke="#2e7d32" stroke-width="1.5"/>` : '';
  return (
    `<g${style === 'retired' ? ' opacity="0.35"' : ''}><title>${escapeXml(title)}</title>${ring}` +
    `<ellipse cx="${x}" cy="${y}" rx="6" ry="8" fill="#263238"/>` +
    `<ellipse cx="${x}" cy="${y + 1.5}" rx="3.6" ry="5.5" fill="#ffffff"/>` +
    `<circle cx="${x - 2}" cy="${y - 4}" r="0.9" fill="#ffffff"/><circle cx="${x + 2}" cy="${y - 4}" r="0.9" fill="#ffffff"/>` +
    `<path d="M${x - 2} ${y - 2.5} L${x + 2} ${y - 2.5} L${x} ${y - 0.5} Z" fill="#ff9800"/></g>`
  );
}

/** A fly seen from above, centered on (x, y): two pale wings and a dark body. */
function flyShape(x: number, y: number, title: string): string {
  return (
    `<g><title>${escapeXml(title)}</title>` +
    `<ellipse cx="${x - 4}" cy="${y - 3}" rx="4.5" ry="2.6" fill="#b3e5fc" stroke="#4fc3f7" stroke-width="0.6" transform="rotate(-25 ${x - 4} ${y - 3})"/>` +
    `<ellipse cx="${x + 4}" cy="${y - 3}" rx="4.5" ry="2.6" fill="#b3e5fc" stroke="#4fc3f7" stroke-width="0.6" transform="rotate(25 ${x + 4} ${y - 3})"/>` +
    `<ellipse cx="${x}" cy="${y}" rx="2.6" ry="4.5" fill="#212121"/></g>`
  );
}

/** A red cross where a penguin was knocked down. */
function knockdownMark(x: number, y: number, title: string): string {
  const d = 5;
  return (
    `<g stroke="${FLY_RED}" stroke-width="2.2" stroke-linecap="round"><title>${escapeXml(title)}</title>` +
    `<line x1="${x - d}" y1="${y - d}" x2="${x + d}" y2="${y + d}"/><line x1="${x - d}" y1="${y + d}" x2="${x + d}" y2="${y - d}"/></g>`
  );
}

/**
 * The track as an SVG image (a string), for `show({ svg })` or an HTML cell:
 * the flies in a row above the lanes, each with a dashed line down its cell
 * (a penguin on it, in any lane, is knocked back), a penguin per lane, a red
 * cross where a penguin was knocked down in the last second, a legend and the
 * status. Drawn shapes, no emoji: they look the same with any font.
 */
export function renderTrackSvg(snapshot: RaceSnapshot, options: TrackSvgOptions = {}): string {
  const { width = 720, laneHeight = 24, maxPenguins = 30 } = options;
  const lanes = snapshot.penguins.slice(0, maxPenguins);
  // Text is 12 px DejaVu Sans: about 7.5 px a character. The track ends where the widest label
  // after it ("5th (11 kd)") still fits, and the status wraps to the width.
  const charPx = 7.5;
  const tailOf = (penguin: RaceSnapshot['penguins'][number]): string =>
    `${penguin.place !== undefined ? ordinal(penguin.place) : penguin.retired ? 'out' : ''}` +
    `${penguin.knockdowns > 0 ? ` (${penguin.knockdowns} kd)` : ''}`;
  const left = 44;
  const right = width - 16 - charPx * Math.max(3, ...lanes.map((penguin) => tailOf(penguin).length));
  const more = snapshot.penguins.length > lanes.length ? `+${snapshot.penguins.length - lanes.length} penguins not drawn` : undefined;
  const status = fitParts([...statusParts(snapshot), ...(more ? [more] : [])], Math.floor((width - 8) / charPx));
  const flyRow = snapshot.flies.length > 0 ? 22 : 0;
  const top = 8 + flyRow;
  const lanesBottom = top + lanes.length * laneHeight;
  // The legend: a symbol and its words per item, wrapped to the width.
  const legendItems: Array<[string, (x: number, y: number) => string]> = [
    ['penguin', (x, y) => penguinShape(x, y, 'penguin', 'racing')],
    ...(snapshot.flies.length > 0
      ? ([
          ['fly: hits any penguin on its line', (x, y) => flyShape(x, y, 'fly')],
          [`knocked down (last ${KNOCKDOWN_MARK_MS / 1000} s)`, (x, y) => knockdownMark(x, y, 'knockdown')],
        ] as Array<[string, (x: number, y: number) => string]>)
      : []),
  ];
  const legend: Array<{ x: number; row: number; text: string; draw: (x: number, y: number) => string }> = [];
  let cursor = 4;
  let legendRow = 0;
  for (const [text, draw] of legendItems) {
    const itemWidth = 22 + text.length * charPx;
    if (cursor > 4 && cursor + itemWidth > width - 4) [cursor, legendRow] = [4, legendRow + 1];
    legend.push({ x: cursor, row: legendRow, text, draw });
    cursor += itemWidth + 14;
  }
  const legendTop = lanesBottom + 20;
  const statusTop = legendTop + 20 * (legendRow + 1) + 4;
  const height = statusTop + 18 * status.length;
  const x = (position: number): number => left + ((right - left) * position) / snapshot.length;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
      'font-family="DejaVu Sans, Arial, sans-serif" font-size="12">',
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<line x1="${x(0)}" y1="${top - 4}" x2="${x(0)}" y2="${lanesBottom}" stroke="#9e9e9e" stroke-width="2"/>`,
    `<line x1="${x(snapshot.length)}" y1="${top - 4}" x2="${x(snapshot.length)}" y2="${lanesBottom}" stroke="#2e7d32" stroke-width="3"/>`,
  ];
  if (flyRow > 0) parts.push(`<text x="4" y="${8 + 14}" fill="${FLY_RED}">flies</text>`);
  lanes.forEach((_, index) => {
    const y = top + index * laneHeight + laneHeight / 2;
    parts.push(`<line x1="${left}" y1="${y}" x2="${right}" y2="${y}" stroke="#ddd" stroke-dasharray="2 3"/>`);
  });
  for (const fly of snapshot.flies) {
    if (fly.position === undefined) continue;
    const at = x(fly.position);
    parts.push(
      `<line x1="${at}" y1="${top - 2}" x2="${at}" y2="${lanesBottom}" stroke="${FLY_RED}" stroke-opacity="0.45" stroke-dasharray="3 3"/>`,
    );
    parts.push(flyShape(at, 8 + flyRow / 2, `fly ${fly.id} at ${fly.position}, hunting penguin ${fly.target}`));
  }
  const marks = recentMarks(snapshot);
  lanes.forEach((penguin, index) => {
    const y = top + index * laneHeight + laneHeight / 2;
    parts.push(`<text x="4" y="${y + 4}" fill="#333">P${penguin.id}</text>`);
    for (const at of marks.get(penguin.id) ?? []) parts.push(knockdownMark(x(at), y, `penguin ${penguin.id} knocked down at ${at}`));
    const style = penguin.retired ? 'retired' : penguin.place !== undefined ? 'finished' : 'racing';
    parts.push(penguinShape(x(penguin.position), y, `penguin ${penguin.id} at ${penguin.position}`, style));
    const tail = tailOf(penguin);
    if (tail) parts.push(`<text x="${right + 12}" y="${y + 4}" fill="#333">${tail}</text>`);
  });
  for (const item of legend) {
    const y = legendTop + 20 * item.row;
    parts.push(item.draw(item.x + 8, y - 4), `<text x="${item.x + 22}" y="${y}" fill="#555">${escapeXml(item.text)}</text>`);
  }
  status.forEach((line, index) => {
    parts.push(`<text x="4" y="${statusTop + 18 * index}" fill="#555">${escapeXml(line)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}
