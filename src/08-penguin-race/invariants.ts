/**
 * What must hold after any race, on any runtime, checked from the result and
 * its trace (run with `trace: true`). Returns the problems found, in words; an
 * empty list means the race kept every rule:
 *
 * - every position stays within 0..L, moves go forward by 1..maxStep from where
 *   the penguin really was, flies never jump more than flySpeed;
 * - a knockdown sends the penguin to 0, only from the middle of the track,
 *   and only from a cell where the fly that hit it sits;
 * - no move is refused 'busy' or 'stale' unless that extra rule is on;
 * - each penguin finishes at most once, at L, and the ranking is the order of
 *   the finish events; finished penguins stay at L;
 * - every request got exactly one reply: the server's counts agree, and every
 *   actor's own count (sent when it stopped) agrees, with no mismatched reply;
 * - a race that ended 'finished' has every penguin finished or retired.
 */
import type { RaceResult } from './results.js';
import { flyCells } from './rules.js';

export function checkRaceInvariants(result: RaceResult): string[] {
  const problems: string[] = [];
  const { rules, trace } = result;
  const L = rules.length;
  if (!trace) return ['the result has no trace: run the race with trace: true'];
  const positions = new Array<number>(rules.penguins).fill(0);
  const flyPositions = new Array<number | null>(rules.flies).fill(null);
  const knockdowns = new Array<number>(rules.penguins).fill(0);
  const finishes: number[] = [];
  const finished = new Set<number>();
  const [firstCell, lastCell] = flyCells(L, rules);
  for (const [index, event] of trace.entries()) {
    const at = `event ${index} (${event.type} at ${event.t} ms)`;
    switch (event.type) {
      case 'move': {
        const { penguin, from, to } = event;
        if (finished.has(penguin)) problems.push(`${at}: penguin ${penguin} moved after finishing`);
        if (from !== positions[penguin]) problems.push(`${at}: penguin ${penguin} moved from ${from} but was at ${positions[penguin]}`);
        if (!(to > from && to - from <= rules.maxStep && to <= L)) problems.push(`${at}: penguin ${penguin} moved ${from} -> ${to}`);
        positions[penguin] = to;
        break;
      }
      case 'knockdown': {
        const { penguin, from } = event;
        if (from !== positions[penguin])
          problems.push(`${at}: penguin ${penguin} knocked down from ${from} but was at ${positions[penguin]}`);
        if (!(from > 0 && from < L)) problems.push(`${at}: penguin ${penguin} knocked down at ${from} (only 1..${L - 1} is allowed)`);
        if (finished.has(penguin)) problems.push(`${at}: penguin ${penguin} knocked down after finishing`);
        if (flyPositions[event.fly] !== from)
          problems.push(`${at}: penguin ${penguin} knocked down at ${from}, fly ${event.fly} is not there`);
        positions[penguin] = 0;
        knockdowns[penguin]++;
        break;
      }
      case 'finish': {
        const { penguin, place } = event;
        if (finished.has(penguin)) problems.push(`${at}: penguin ${penguin} finished twice`);
        if (positions[penguin] !== L) problems.push(`${at}: penguin ${penguin} finished at ${positions[penguin]}, not at ${L}`);
        finishes.push(penguin);
        finished.add(penguin);
        if (place !== finishes.length) problems.push(`${at}: penguin ${penguin} got place ${place}, expected ${finishes.length}`);
        break;
      }
      case 'fly': {
        const { fly, from, to } = event;
        if (from !== flyPositions[fly]) problems.push(`${at}: fly ${fly} moved from ${from} but was at ${flyPositions[fly]}`);
        if (!(to >= firstCell && to <= lastCell)) problems.push(`${at}: fly ${fly} at ${to}, outside ${firstCell}..${lastCell}`);
        if (from !== null && Math.abs(to - from) > rules.flySpeed) problems.push(`${at}: fly ${fly} jumped ${from} -> ${to}`);
        flyPositions[fly] = to;
        break;
      }
      case 'deny': {
        const allowed = (event.reason === 'busy' && rules.denyRate > 0) || (event.reason === 'stale' && rules.refuseStale);
        if (!allowed) problems.push(`${at}: penguin ${event.penguin}'s move refused as '${event.reason}', a rule this race does not have`);
        break;
      }
      default:
        break;
    }
    for (const position of positions)
      if (position < 0 || position > L) problems.push(`${at}: a penguin is at ${position}, outside 0..${L}`);
  }
  const ranking = result.ranking.map((entry) => entry.penguin);
  if (JSON.stringify(ranking) !== JSON.stringify(finishes))
    problems.push(`ranking ${JSON.stringify(ranking)} is not the finish order ${JSON.stringify(finishes)}`);
  result.ranking.forEach((entry, index) => {
    if (entry.place !== index + 1) problems.push(`ranking entry ${index} has place ${entry.place}`);
  });
  for (const penguin of result.penguins) {
    if (penguin.position !== positions[penguin.id])
      problems.push(`penguin ${penguin.id} ends at ${penguin.position}, the trace says ${positions[penguin.id]}`);
    if (penguin.knockdowns !== knockdowns[penguin.id])
      problems.push(`penguin ${penguin.id} has ${penguin.knockdowns} knockdowns, the trace ${knockdowns[penguin.id]}`);
    if (penguin.place !== undefined && penguin.position !== L)
      problems.push(`penguin ${penguin.id} has place ${penguin.place} but is at ${penguin.position}`);
    if (result.ended === 'finished' && penguin.place === undefined && penguin.retired === undefined) {
      problems.push(`the race 'finished' but penguin ${penguin.id} neither finished nor retired`);
    }
  }
  if (result.knockdowns !== knockdowns.reduce((a, b) => a + b, 0))
    problems.push(`total knockdowns ${result.knockdowns} differ from the trace`);
  const { messages } = result;
  if (messages.requests !== messages.replies)
    problems.push(`the server got ${messages.requests} requests but sent ${messages.replies} replies`);
  let actorRequests = 0;
  let everyoneReported = true;
  for (const actor of result.actors) {
    const who = `${actor.role} ${actor.id}`;
    if (!actor.reported) {
      everyoneReported = false;
      continue;
    }
    actorRequests += actor.requests;
    if (actor.requests !== actor.replies) problems.push(`${who} sent ${actor.requests} requests and got ${actor.replies} replies`);
    if (actor.mismatches !== 0) problems.push(`${who} got ${actor.mismatches} replies that did not match its request`);
  }
  if (everyoneReported && messages.errors === 0 && actorRequests !== messages.requests) {
    problems.push(`the actors sent ${actorRequests} requests, the server counted ${messages.requests}`);
  }
  return problems;
}
