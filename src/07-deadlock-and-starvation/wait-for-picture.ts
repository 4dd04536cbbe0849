/**
 * The wait-for graph as a picture: a PNG drawn directly on @napi-rs/canvas (it
 * shows in every notebook front end and in exported HTML) and the same drawing
 * as an SVG string (sharp at any zoom, for HTML output).
 *
 * Threads are blue circles, locks orange circles. An arrow thread → lock reads
 * "waits for" (dashed), lock → thread "held by" (solid). The cycle, if any, is
 * red: follow the red arrows and you come back where you started.
 * Both pictures come from one layout: the cycle's nodes around a circle, in
 * cycle order, then every other node.
 */
import { createCanvas } from '../notebook/canvas.js';
import { describeValue } from '../engine/validate.js';
import { describeCycle, type WaitForGraph } from './wait-for-graph.js';

export interface WaitForPictureSize {
  /** Width in CSS pixels (default 640). */
  width?: number;
  /** Height in CSS pixels (default 480). */
  height?: number;
  /** PNG pixel density (default 2). */
  scale?: number;
}

interface PlacedNode {
  id: string;
  kind: 'thread' | 'lock';
  x: number;
  y: number;
}

interface PlacedEdge {
  kind: 'waits-for' | 'held-by';
  inCycle: boolean;
  /** Start and end, on the rims of the two circles. */
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  /** Where the edge's words go. */
  labelX: number;
  labelY: number;
}

interface Layout {
  width: number;
  height: number;
  radius: number;
  title: string[];
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

const COLORS = { thread: '#1f77b4', lock: '#ff7f0e', edge: '#555555', cycle: '#d62728', text: '#222222' };
const FONT = 'DejaVu Sans, Arial, sans-serif';
const TITLE_HEIGHT = 56;

function checkGraph(graph: WaitForGraph): void {
  if (
    typeof graph !== 'object' ||
    graph === null ||
    !Array.isArray(graph.nodes) ||
    !Array.isArray(graph.edges) ||
    !Array.isArray(graph.cycle)
  ) {
    throw new TypeError(`graph must be a WaitForGraph ({ nodes, edges, cycle }), got ${describeValue(graph)}`);
  }
}

function checkSize(size: WaitForPictureSize): Required<WaitForPictureSize> {
  const resolved = { width: 640, height: 480, scale: 2, ...size };
  for (const [name, value] of Object.entries(resolved)) {
    if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
      throw new RangeError(`${name} must be a positive number, got ${describeValue(value)}`);
    }
  }
  return resolved;
}

function layout(graph: WaitForGraph, width: number, height: number): Layout {
  const cycle = new Set(graph.cycle);
  const ordered = [...graph.cycle, ...graph.nodes.map((node) => node.id).filter((id) => !cycle.has(id))];
  const kinds = new Map(graph.nodes.map((node) => [node.id, node.kind]));
  const centerX = width / 2;
  const centerY = TITLE_HEIGHT + (height - TITLE_HEIGHT) / 2;
  const count = Math.max(ordered.length, 2);
  // Node size from the gap between neighbours (room for an arrow and its words), then the ring that fits.
  const roughRing = Math.max(40, Math.min(width, height - TITLE_HEIGHT) / 2 - 50);
  const radius = Math.max(14, Math.min(42, (2 * roughRing * Math.sin(Math.PI / count) - 60) / 2));
  const ring = Math.max(40, Math.min(width, height - TITLE_HEIGHT) / 2 - radius - 12);
  const nodes: PlacedNode[] = ordered.map((id, index) => {
    // Start at the top and go clockwise, so a cycle reads like a clock.
    const angle = -Math.PI / 2 - Math.PI / Math.max(ordered.length, 1) + (2 * Math.PI * index) / Math.max(ordered.length, 1);
    return { id, kind: kinds.get(id) ?? 'thread', x: centerX + ring * Math.cos(angle), y: centerY + ring * Math.sin(angle) };
  });
  const at = new Map(nodes.map((node) => [node.id, node]));
  const cycleEdges = new Set(graph.cycle.map((id, index) => `${id}\u0000${graph.cycle[(index + 1) % graph.cycle.length]}`));
  const edges: PlacedEdge[] = [];
  for (const edge of graph.edges) {
    const from = at.get(edge.from);
    const to = at.get(edge.to);
    if (!from || !to || from === to) continue;
    const dx = to.x - from.x;
    const dy = to.y - from.y;
    const length = Math.hypot(dx, dy) || 1;
    const [ux, uy] = [dx / length, dy / length];
    // Words beside the middle of the arrow, on the side away from the center.
    const [midX, midY] = [(from.x + to.x) / 2, (from.y + to.y) / 2];
    let [nx, ny] = [-uy, ux];
    if (nx * (midX - centerX) + ny * (midY - centerY) < 0) [nx, ny] = [-nx, -ny];
    edges.push({
      kind: edge.kind,
      inCycle: cycleEdges.has(`${edge.from}\u0000${edge.to}`),
      x1: from.x + ux * radius,
      y1: from.y + uy * radius,
      x2: to.x - ux * (radius + 2),
      y2: to.y - uy * (radius + 2),
      labelX: midX + nx * 14,
      labelY: midY + ny * 14,
    });
  }
  const title = wrapTitle(graph.cycle.length > 0 ? `Deadlock: ${describeCycle(graph)}` : 'No cycle: no deadlock', width);
  return { width, height, radius, title, nodes, edges };
}

function edgeWords(kind: PlacedEdge['kind']): string {
  return kind === 'waits-for' ? 'waits for' : 'held by';
}

/** Arrow-head points for an edge ending at (x2, y2). */
function arrowHead(edge: PlacedEdge): Array<[number, number]> {
  const angle = Math.atan2(edge.y2 - edge.y1, edge.x2 - edge.x1);
  const size = 12;
  return [
    [edge.x2, edge.y2],
    [edge.x2 - size * Math.cos(angle - 0.4), edge.y2 - size * Math.sin(angle - 0.4)],
    [edge.x2 - size * Math.cos(angle + 0.4), edge.y2 - size * Math.sin(angle + 0.4)],
  ];
}

/** Splits the title into at most two lines that fit the width (the second cut short if needed). */
function wrapTitle(title: string, width: number): string[] {
  const maxChars = Math.floor(width / 8.5);
  if (title.length <= maxChars) return [title];
  const cut = title.lastIndexOf(' ', maxChars);
  const first = title.slice(0, cut > 0 ? cut : maxChars);
  const rest = title.slice(first.length).trim();
  return [first, rest.length > maxChars ? `${rest.slice(0, maxChars - 1)}…` : rest];
}

function titleLineY(line: number, lines: number): number {
  return TITLE_HEIGHT / 2 + (line - (lines - 1) / 2) * 18;
}

/** What a node says: "lock A" for short lock names, the name itself otherwise. */
function nodeLabel(node: PlacedNode): string {
  return node.kind === 'lock' && node.id.length <= 3 ? `lock ${node.id}` : node.id;
}

const LEGEND = [
  { kind: 'thread', words: 'thread' },
  { kind: 'lock', words: 'lock' },
] as const;

type Context = ReturnType<ReturnType<typeof createCanvas>['getContext']>;

function drawLegend(ctx: Context, height: number): void {
  ctx.save();
  ctx.textAlign = 'left';
  ctx.font = `12px ${FONT}`;
  LEGEND.forEach(({ kind, words }, index) => {
    const y = height - 40 + index * 20;
    ctx.beginPath();
    ctx.arc(16, y, 6, 0, 2 * Math.PI);
    ctx.fillStyle = COLORS[kind];
    ctx.fill();
    ctx.fillStyle = COLORS.text;
    ctx.fillText(words, 28, y);
  });
  ctx.restore();
}

/** The wait-for graph drawn as PNG bytes (threads blue, locks orange, the cycle red). */
export function waitForGraphPng(graph: WaitForGraph, size: WaitForPictureSize = {}): Buffer {
  checkGraph(graph);
  const { width, height, scale } = checkSize(size);
  const picture = layout(graph, width, height);
  const canvas = createCanvas(Math.round(width * scale), Math.round(height * scale));
  const ctx = canvas.getContext('2d');
  ctx.scale(scale, scale);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);

  ctx.fillStyle = COLORS.text;
  ctx.font = `bold 14px ${FONT}`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  picture.title.forEach((line, index) => ctx.fillText(line, width / 2, titleLineY(index, picture.title.length)));
  drawLegend(ctx, height);

  for (const edge of picture.edges) {
    const color = edge.inCycle ? COLORS.cycle : COLORS.edge;
    ctx.strokeStyle = color;
    ctx.fillStyle = color;
    ctx.lineWidth = edge.inCycle ? 3 : 1.5;
    ctx.setLineDash(edge.kind === 'waits-for' ? [8, 5] : []);
    ctx.beginPath();
    ctx.moveTo(edge.x1, edge.y1);
    ctx.lineTo(edge.x2, edge.y2);
    ctx.stroke();
    ctx.setLineDash([]);
    const head = arrowHead(edge);
    ctx.beginPath();
    ctx.moveTo(...head[0]);
    ctx.lineTo(...head[1]);
    ctx.lineTo(...head[2]);
    ctx.closePath();
    ctx.fill();
    ctx.font = `12px ${FONT}`;
    ctx.fillText(edgeWords(edge.kind), edge.labelX, edge.labelY);
  }

  for (const node of picture.nodes) {
    ctx.beginPath();
    ctx.arc(node.x, node.y, picture.radius, 0, 2 * Math.PI);
    ctx.fillStyle = COLORS[node.kind];
    ctx.fill();
    ctx.lineWidth = 2;
    ctx.strokeStyle = graph.cycle.includes(node.id) ? COLORS.cycle : '#ffffff';
    ctx.stroke();
    ctx.fillStyle = '#ffffff';
    const label = nodeLabel(node);
    ctx.font = `bold ${label.length > 8 || picture.radius < 26 ? 10 : 13}px ${FONT}`;
    ctx.fillText(label, node.x, node.y, picture.radius * 2 - 4);
  }
  return canvas.toBuffer('image/png');
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] as string);
}

const round = (value: number): string => value.toFixed(1);

/** The same drawing as an SVG document (a string), for HTML output. */
export function waitForGraphSvg(graph: WaitForGraph, size: WaitForPictureSize = {}): string {
  checkGraph(graph);
  const { width, height } = checkSize(size);
  const picture = layout(graph, width, height);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ...picture.title.map(
      (line, index) =>
        `<text x="${width / 2}" y="${titleLineY(index, picture.title.length)}" text-anchor="middle" dominant-baseline="middle" ` +
        `font-size="14" font-weight="bold" fill="${COLORS.text}">${escapeXml(line)}</text>`,
    ),
    ...LEGEND.map(
      ({ kind, words }, index) =>
        `<circle cx="16" cy="${height - 40 + index * 20}" r="6" fill="${COLORS[kind]}"/>` +
        `<text x="28" y="${height - 40 + index * 20}" dominant-baseline="middle" font-size="12" fill="${COLORS.text}">${words}</text>`,
    ),
  ];
  for (const edge of picture.edges) {
    const color = edge.inCycle ? COLORS.cycle : COLORS.edge;
    const dash = edge.kind === 'waits-for' ? ' stroke-dasharray="8 5"' : '';
    parts.push(
      `<line x1="${round(edge.x1)}" y1="${round(edge.y1)}" x2="${round(edge.x2)}" y2="${round(edge.y2)}" ` +
        `stroke="${color}" stroke-width="${edge.inCycle ? 3 : 1.5}"${dash}/>`,
      `<polygon points="${arrowHead(edge)
        .map(([x, y]) => `${round(x)},${round(y)}`)
        .join(' ')}" fill="${color}"/>`,
      `<text x="${round(edge.labelX)}" y="${round(edge.labelY)}" text-anchor="middle" dominant-baseline="middle" ` +
        `font-size="12" fill="${color}">${edgeWords(edge.kind)}</text>`,
    );
  }
  for (const node of picture.nodes) {
    const stroke = graph.cycle.includes(node.id) ? COLORS.cycle : '#ffffff';
    const label = nodeLabel(node);
    parts.push(
      `<circle cx="${round(node.x)}" cy="${round(node.y)}" r="${round(picture.radius)}" ` +
        `fill="${COLORS[node.kind]}" stroke="${stroke}" stroke-width="2"/>`,
      `<text x="${round(node.x)}" y="${round(node.y)}" text-anchor="middle" dominant-baseline="middle" ` +
        `font-size="${label.length > 8 || picture.radius < 26 ? 10 : 13}" font-weight="bold" fill="#ffffff">${escapeXml(label)}</text>`,
    );
  }
  parts.push('</svg>');
  return parts.join('\n');
}
