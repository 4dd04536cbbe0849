/**
 * CPU-bound work, the other half of the picture: jobs that compute (no waits)
 * run three ways, with the lag meter watching the main thread's event loop:
 *
 * - sequential on the main thread: the loop is blocked for the whole run;
 * - "concurrent" with Promise.all on the main thread: no faster, and just as
 *   blocked: async functions take turns only at an `await`, and a computation
 *   has none;
 * - on worker threads: in parallel on the machine's cores (Node workers are
 *   not held back by a GIL), and the main thread stays free.
 *
 * While the main thread is blocked a notebook cannot even draw; a server could
 * not answer. The lag meter's figure says how long nothing else could run.
 */
import { availableParallelism } from 'node:os';
import { calibrateJob, computeJob } from './cpu-job.js';
import { compiledEntry } from '../paths.js';
import { checkPositiveInteger } from '../engine/validate.js';
import { measureLag, type LagStats } from './lag-meter.js';
import { Thread } from './thread.js';
import { currentLane, now, Timeline, type Span } from './timeline.js';

export type CpuMode = 'sequential' | 'concurrent' | 'threads';

export interface CpuModeResult {
  mode: CpuMode;
  totalMs: number;
  /** Event-loop lag on the main thread while the mode ran. */
  lag: LagStats;
  spans: Span[];
}

/** One job: `rounds` of unit 04's compute job, as a span (a module export, so a worker can run it too). */
export function runCpuJob(rounds: number, label: string): Span {
  const start = now();
  computeJob(rounds);
  return { lane: currentLane(), label, start, end: now(), group: 'compute' };
}

export async function compareCpuModes(
  options: { jobs?: number; jobMs?: number; modes?: CpuMode[] } = {},
): Promise<{ results: CpuModeResult[]; timeline: Timeline; cores: number }> {
  const jobs = checkPositiveInteger(options.jobs ?? availableParallelism(), 'jobs');
  const jobMs = checkPositiveInteger(options.jobMs ?? 250, 'jobMs');
  const modes = options.modes ?? ['sequential', 'concurrent', 'threads'];
  const rounds = calibrateJob(jobMs);
  const labels = Array.from({ length: jobs }, (_, index) => `job ${index + 1}`);
  const timeline = new Timeline();
  const results: CpuModeResult[] = [];
  let origin: number | undefined;
  for (const mode of modes) {
    const started = now();
    const { result: spans, lag } = await measureLag(async (): Promise<Span[]> => {
      if (mode === 'sequential') return labels.map((label) => runCpuJob(rounds, label));
      if (mode === 'concurrent') return Promise.all(labels.map(async (label) => runCpuJob(rounds, label)));
      const threads = labels.map(
        (label) =>
          new Thread<Span>({
            target: { module: compiledEntry('01-threads-vs-async/cpu-demo.ts'), export: 'runCpuJob' },
            args: [rounds, label],
            name: label,
          }),
      );
      for (const thread of threads) thread.start();
      return Promise.all(threads.map((thread) => thread.join(60_000)));
    });
    const totalMs = now() - started;
    const shift = started - (origin ??= started);
    timeline.add(
      ...spans.map((span) => ({
        ...span,
        lane: mode === 'threads' ? `threads · ${span.label} (${span.lane})` : `${mode} (main)`,
        start: span.start - shift,
        end: span.end - shift,
      })),
    );
    results.push({ mode, totalMs, lag, spans });
  }
  return { results, timeline, cores: availableParallelism() };
}
