/**
 * What a runtime comparison says, in sentences computed from its figures: the
 * closing summary of notebook 08 (start-up, memory, throughput, latency, the
 * whole-program runtimes, and a verdict on the seed's "asyncio is better").
 * Running the comparison again gives sentences that follow the new numbers.
 */
import type { RuntimeComparison, RuntimeFigures } from './compare.js';
import type { RuntimeName } from './options.js';

export interface SummaryOptions {
  /** The share (%) of a move's round trip the threads' own messages took with the simulated network, if measured. */
  transportPercent?: number;
}

const ratio = (a: number, b: number): string => `${(a / b).toFixed(1)}x`;
const ms = (value: number): string => (value >= 1 ? value.toFixed(1) : value.toPrecision(2));

/** The summary as lines of text (throws if the comparison lacks async or threads). */
export function summarizeComparison(comparison: RuntimeComparison, options: SummaryOptions = {}): string {
  const figures = (runtime: RuntimeName): RuntimeFigures | undefined => comparison.rows.find((row) => row.runtime === runtime);
  const asyncFig = figures('async');
  const threadsFig = figures('threads');
  if (!asyncFig || !threadsFig) throw new RangeError('the summary compares async and threads: run compareRuntimes with both');
  const actors = (comparison.options.penguins ?? 8) + (comparison.options.flies ?? 2);
  const perActor = (row: RuntimeFigures) =>
    `${(row.memoryMb / actors).toFixed(1)} MB and ${Math.round(row.startupMs / actors)} ms of start-up per actor`;
  const lines = [
    `Start-up: ${actors} worker threads took ${Math.round(threadsFig.startupMs)} ms ` +
      `(${Math.round(threadsFig.startupMs / actors)} ms per worker on average); ${actors} async tasks, ${ms(asyncFig.startupMs)} ms.`,
    `Memory: the threads added ${threadsFig.memoryMb.toFixed(0)} MB (${(threadsFig.memoryMb / actors).toFixed(1)} MB per ` +
      'thread: each worker is a JavaScript engine of its own); the async tasks, ' +
      (asyncFig.memoryMb < 1 ? "too little to show in the process's memory" : `${asyncFig.memoryMb.toFixed(1)} MB`) +
      '.',
    threadsFig.messagesPerSecond < asyncFig.messagesPerSecond
      ? `Throughput: async handled ${ratio(asyncFig.messagesPerSecond, threadsFig.messagesPerSecond)} the messages per ` +
        `second of threads (${Math.round(asyncFig.messagesPerSecond)} vs ${Math.round(threadsFig.messagesPerSecond)}): ` +
        'every request crosses between threads twice, and the server still decides on one thread.'
      : `Throughput: threads handled ${Math.round(threadsFig.messagesPerSecond)} messages/s, async ` +
        `${Math.round(asyncFig.messagesPerSecond)}: threads came out ahead in this run, which the transport cannot ` +
        'explain; was the async race disturbed (load, garbage collection)? Run the comparison again.',
    `Latency: half the threads' round trips took over ${ms(threadsFig.roundTrip.p50Ms)} ms and 1% over ` +
      `${ms(threadsFig.roundTrip.p99Ms)} ms; async: ${ms(asyncFig.roundTrip.p50Ms)} ms and ${ms(asyncFig.roundTrip.p99Ms)} ms.`,
  ];
  const processes = figures('processes');
  const net = figures('net');
  if (processes && net) {
    lines.push(
      `Processes and TCP clients (each one a whole Node program): ${perActor(processes)} for processes, ` +
        `${perActor(net)} for TCP clients.`,
    );
  }
  if (options.transportPercent !== undefined) {
    lines.push(
      `With the seed's simulated network, the threads' messages were ${options.transportPercent.toFixed(1)}% of a move's round trip.`,
    );
  }
  const asyncCheaper = (['startupMs', 'memoryMb'] as const).filter((key) => asyncFig[key] < threadsFig[key]).length;
  const asyncFaster =
    (asyncFig.messagesPerSecond > threadsFig.messagesPerSecond ? 1 : 0) + (asyncFig.roundTrip.p50Ms < threadsFig.roundTrip.p50Ms ? 1 : 0);
  const ahead = asyncCheaper + asyncFaster;
  lines.push(
    '',
    ahead === 4
      ? 'Verdict: for this race, async is ahead on all four figures. Threads bought no speed, because the actors only ' +
          'wait and send messages; they cost start-up, memory and latency.'
      : `Verdict: async ahead on ${ahead} of the four figures (start-up, memory, messages/s, median latency); ` +
          'look at the table for the others.',
  );
  return lines.join('\n');
}
