/**
 * Drawing a snapshot of the race: as ASCII lines for a terminal (one lane per
 * penguin, the flies hunting it on its lane, the finish line, a status line),
 * or as an SVG string for a notebook cell. Pure functions of the snapshot.
 *
 *   P3  |......*....P.........|      penguin 3 at cell 11, a fly at 6
 *   P1  |....................P|1st   penguin 1 crossed the line first
 */
import type { RaceSnapshot } from './snapshot.js';

export interface TrackTextOptions {
  /** Total width in characters (default 72). */
  width?: number;
  /** Lanes shown at most; the rest are summed up in one line (default 20). */
  maxPenguins?: number;
  /** ANSI colours (default false). */
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

/** The track as lines of text (no trailing newline): the lanes shrink and the status wraps to fit `width`. */
export function renderTrackText(snapshot: RaceSnapshot, options: TrackTextOptions = {}): string {
  const { width = 72, maxPenguins = 20, color = false, label } = options;
  const paint = (text: string, code: string): string => (color ? `${code}${text}${ANSI.reset}` : text);
  const count = snapshot.penguins.length;
  const shown = snapshot.penguins.slice(0, maxPenguins);
  const labelWidth = `P${Math.min(count, maxPenguins) - 1}`.length + 1;
  // What follows a lane: "12th kd3". Reserved for the widest, so every lane ends at the same column.
  const tailOf = (penguin: RaceSnapshot['penguins'][number]) => [
    penguin.place !== undefined ? ordinal(penguin.place) : penguin.retired ? 'out' : '',
    penguin.knockdowns > 0 ? ` kd${penguin.knockdowns}` : '',
  ];
  const tailWidth = Math.max(3, ...shown.map((penguin) => tailOf(penguin).join('').length));
  const cells = Math.max(4, Math.min(snapshot.length + 1, width - labelWidth - 2 - tailWidth));
  const column = (position: number): number => Math.round((position * (cells - 1)) / snapshot.length);
  const huntersOf = new Map<number, number[]>();
  for (const fly of snapshot.flies) {
    if (fly.position === undefined) continue;
    const list = huntersOf.get(fly.target) ?? [];
    list.push(column(fly.position));
    huntersOf.set(fly.target, list);
  }
  const lines: string[] = [];
  for (const penguin of shown) {
    const lane: string[] = Array.from({ length: cells }, () => '.');
    for (const at of huntersOf.get(penguin.id) ?? []) lane[at] = paint('*', ANSI.fly);
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
  lines.push(...fitParts(statusParts(snapshot, label), width));
  return lines.join('\n');
}

export interface TrackSvgOptions {
  /** Width in pixels (default 720). */
  width?: number;
  /** Height of one lane in pixels (default 22). */
  laneHeight?: number;
  /** Lanes drawn at most (default 30). */
  maxPenguins?: number;
}

const escapeXml = (text: string): string => text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

/** The track as an SVG image (a string), for `show({ svg })` or an HTML cell. */
export function renderTrackSvg(snapshot: RaceSnapshot, options: TrackSvgOptions = {}): string {
  const { width = 720, laneHeight = 22, maxPenguins = 30 } = options;
  const lanes = snapshot.penguins.slice(0, maxPenguins);
  // Text is 12 px DejaVu Sans: about 7.5 px a character. The track ends where the widest label
  // after it ("5th (11 kd)") still fits, and the status wraps to the width.
  const charPx = 7.5;
  const tailOf = (penguin: RaceSnapshot['penguins'][number]): string =>
    `${penguin.place !== undefined ? ordinal(penguin.place) : penguin.retired ? 'out' : ''}` +
    `${penguin.knockdowns > 0 ? ` (${penguin.knockdowns} kd)` : ''}`;
  const left = 44;
  const right = width - 12 - charPx * Math.max(3, ...lanes.map((penguin) => tailOf(penguin).length));
  const more = snapshot.penguins.length > lanes.length ? `+${snapshot.penguins.length - lanes.length} penguins not drawn` : undefined;
  const status = fitParts([...statusParts(snapshot), ...(more ? [more] : [])], Math.floor((width - 8) / charPx));
  const top = 8;
  const height = top + lanes.length * laneHeight + 10 + 18 * status.length;
  const x = (position: number): number => left + ((right - left) * position) / snapshot.length;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
      'font-family="DejaVu Sans, Arial, sans-serif" font-size="12">',
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<line x1="${x(snapshot.length)}" y1="${top - 4}" x2="${x(snapshot.length)}" y2="${top + lanes.length * laneHeight}" ` +
      'stroke="#2e7d32" stroke-width="3"/>',
  ];
  lanes.forEach((penguin, index) => {
    const y = top + index * laneHeight + laneHeight / 2;
    parts.push(`<text x="4" y="${y + 4}" fill="#333">P${penguin.id}</text>`);
    parts.push(`<line x1="${left}" y1="${y}" x2="${right}" y2="${y}" stroke="#ddd" stroke-dasharray="2 3"/>`);
    for (const fly of snapshot.flies) {
      if (fly.target !== penguin.id || fly.position === undefined) continue;
      parts.push(`<circle cx="${x(fly.position)}" cy="${y}" r="4" fill="#d32f2f"><title>fly ${fly.id}</title></circle>`);
    }
    const fill = penguin.retired ? '#9e9e9e' : penguin.place !== undefined ? '#2e7d32' : '#1565c0';
    parts.push(
      `<circle cx="${x(penguin.position)}" cy="${y}" r="7" fill="${fill}">` +
        `<title>penguin ${penguin.id} at ${penguin.position}</title></circle>`,
    );
    const tail = tailOf(penguin);
    if (tail) parts.push(`<text x="${right + 8}" y="${y + 4}" fill="#333">${tail}</text>`);
  });
  status.forEach((line, index) => {
    const y = top + lanes.length * laneHeight + 22 + 18 * index;
    parts.push(`<text x="4" y="${y}" fill="#555">${escapeXml(line)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}
