/**
 * The result as a plain-text table for the terminal: the standings (partial
 * ones when the race was cut short), then messages, latency and knockdowns.
 */
import type { RaceResult } from './results.js';
import { ordinal } from './track-view.js';

const ms = (value: number): string => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));

function headline(result: RaceResult): string {
  const what = `${result.runtime} runtime, ${result.clock} clock, seed ${result.rules.seed}`;
  const time = `${(result.timeMs / 1000).toFixed(2)} s`;
  switch (result.ended) {
    case 'finished':
      return `Penguin race (${what}): finished in ${time}`;
    case 'time-bound':
      return `Penguin race (${what}): stopped at the time bound, ${time}: partial standings`;
    case 'interrupted':
      return `Penguin race (${what}): interrupted at ${time}: partial standings`;
    default:
      return `Penguin race (${what}): ended by an error at ${time}${result.error ? ` (${result.error})` : ''}`;
  }
}

/** The results as text lines; at most `maxRows` penguins are listed (default 20). */
export function formatResults(result: RaceResult, maxRows = 20): string {
  const header = ['rank', 'penguin', 'place', 'position', 'knockdowns', 'requests', 'denied', 'mean latency'];
  const rows = result.standings.slice(0, maxRows).map((standing) => {
    const penguin = result.penguins[standing.penguin];
    return [
      String(standing.rank),
      `P${standing.penguin}`,
      standing.place !== undefined ? ordinal(standing.place) : standing.retired !== undefined ? 'out' : '-',
      `${standing.position}/${result.rules.length}`,
      String(standing.knockdowns),
      String(penguin.requests),
      String(penguin.denied),
      `${ms(penguin.meanLatencyMs)} ms`,
    ];
  });
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]): string => cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  const { messages, latency, wall } = result;
  const lines = [headline(result), '', line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
  if (result.standings.length > maxRows) lines.push(`... ${result.standings.length - maxRows} more penguins (--json lists them all)`);
  const retired = result.penguins.filter((p) => p.retired !== undefined);
  lines.push(
    '',
    `finished ${result.ranking.length}/${result.penguins.length}` +
      `${retired.length ? `, retired ${retired.length} (${retired[0].retired})` : ''}, knockdowns ${result.knockdowns}`,
    `messages: received ${messages.received}, sent ${messages.sent} ` +
      `(requests ${messages.requests}, replies ${messages.replies}, errors ${messages.errors})`,
    `latency per request (server, ${result.clock} ms): mean ${ms(latency.meanMs)}, ` +
      `p50 ${ms(latency.p50Ms)}, p99 ${ms(latency.p99Ms)}, max ${ms(latency.maxMs)}`,
    `round trip as actors saw it (real ms): mean ${ms(wall.roundTrip.meanMs)}, p99 ${ms(wall.roundTrip.p99Ms)}; ` +
      `start-up ${ms(wall.startupMs)} ms, ${Math.round(wall.requestsPerSecond)} requests/s`,
  );
  return lines.join('\n');
}
