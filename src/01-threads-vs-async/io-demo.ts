/**
 * The seed's I/O-bound jobs (`operaciones_es_intensivas.py`): a file write, an
 * API request, a database query and a download, run three ways:
 *
 * - sequential: one after another on the main thread;
 * - concurrent: all started at once on the event loop (`Promise.all`), the
 *   way Node does I/O: no thread needed, the waits overlap;
 * - threads: each job on its own worker thread, like the seed's threading
 *   version, which is what Python needs and Node does not.
 *
 * The jobs do real I/O against this machine: a file in the temp folder, and a
 * local HTTP server (started and closed by `compareIoModes`) that answers the
 * "API" after a delay and streams the "download" slowly. The "database" waits
 * on a timer, as the seed's does. Durations are the seed's divided by `scale`.
 * In the timeline every mode starts at 0, so their ends compare directly.
 */
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Thread } from './thread.js';
import { Timeline, currentLane, now, type Span } from './timeline.js';
import { compiledEntry } from '../paths.js';
import { checkPositiveInteger } from '../engine/validate.js';

/** The seed's jobs, with its printed durations in seconds. */
export const SEED_IO_JOBS = [
  { job: 'file', actor: 'ProcesadorArchivos', start: 'inicia escritura de archivo', end: 'fin escritura de archivo', seedSeconds: 3.128 },
  { job: 'api', actor: 'SolicitudRed', start: 'inicia petición API', end: 'fin petición API', seedSeconds: 0.275 },
  { job: 'database', actor: 'OperacionDatabase', start: 'inicia petición en BD', end: 'fin petición en BD', seedSeconds: 2.215 },
  {
    job: 'download',
    actor: 'DescargarArchivos',
    start: 'inicia descarga de archivo zip',
    end: 'fin descarga de archivo zip',
    seedSeconds: 4.623,
  },
] as const;

export type IoJobName = (typeof SEED_IO_JOBS)[number]['job'];

/**
 * One color per job, for every chart of these jobs: the notebook's timeline
 * and slide 01's (src/course/slide-charts.ts draws it with `compareIoModes` too).
 */
export const IO_JOB_COLORS: Readonly<Record<IoJobName, string>> = Object.freeze({
  file: '#4e79a7',
  api: '#f28e2b',
  database: '#59a14f',
  download: '#e15759',
});
export type IoMode = 'sequential' | 'concurrent' | 'threads';

export interface IoJobSettings {
  /** Base URL of the demo server. */
  url: string;
  /** Folder for the file job. */
  folder: string;
  /** Seed seconds are divided by this (default 10: the whole demo takes about 1 s sequentially). */
  scale: number;
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function durationMs(job: IoJobName, scale: number): number {
  return (SEED_IO_JOBS.find((each) => each.job === job)!.seedSeconds * 1000) / scale;
}

/**
 * Runs one job and returns its span. Exported so a worker thread can run it as
 * a module target; on the main thread it is called directly.
 */
export async function runIoJob(job: IoJobName, settings: IoJobSettings, lane?: string): Promise<Span> {
  const start = now();
  const ms = durationMs(job, settings.scale);
  switch (job) {
    case 'file': {
      // Written in chunks, paced so the job lasts about as long as the seed's (a fast disk would hide it).
      const chunk = Buffer.alloc(256 * 1024, 7);
      const chunks = 8;
      for (let i = 0; i < chunks; i++) {
        await writeFile(join(settings.folder, `data-${job}-${start}.bin`), chunk, { flag: i === 0 ? 'w' : 'a' });
        await wait(ms / chunks);
      }
      break;
    }
    case 'api':
      await (await fetch(`${settings.url}/api?ms=${Math.round(ms)}`)).json();
      break;
    case 'database':
      await wait(ms);
      break;
    case 'download': {
      const response = await fetch(`${settings.url}/download?ms=${Math.round(ms)}`);
      await response.arrayBuffer();
      break;
    }
  }
  return { lane: lane ?? currentLane(), label: job, start, end: now(), group: job };
}

/** A local server: /api answers JSON after ?ms, /download streams 64 KB pieces over ?ms. */
function startDemoServer(): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const ms = Number(url.searchParams.get('ms') ?? 0);
    if (url.pathname === '/api') {
      setTimeout(() => response.end(JSON.stringify({ ok: true })), ms);
    } else if (url.pathname === '/download') {
      const pieces = 10;
      let sent = 0;
      const timer = setInterval(() => {
        response.write(Buffer.alloc(64 * 1024));
        if (++sent === pieces) {
          clearInterval(timer);
          response.end();
        }
      }, ms / pieces);
      response.on('close', () => clearInterval(timer));
    } else {
      response.statusCode = 404;
      response.end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') return reject(new Error('the demo server has no port'));
      resolve({ server, url: `http://127.0.0.1:${address.port}` });
    });
  });
}

export interface IoModeResult {
  mode: IoMode;
  totalMs: number;
  spans: Span[];
}

/**
 * Runs the four jobs in each mode (default: all three), and returns the time
 * of each mode and its spans, with a timeline of everything. Logs the seed's
 * messages when `log` is given.
 */
export async function compareIoModes(
  options: { modes?: IoMode[]; scale?: number; log?: (line: string) => void } = {},
): Promise<{ results: IoModeResult[]; timeline: Timeline }> {
  const scale = checkPositiveInteger(options.scale ?? 10, 'scale');
  const modes = options.modes ?? ['sequential', 'concurrent', 'threads'];
  const { server, url } = await startDemoServer();
  const folder = await mkdtemp(join(tmpdir(), 'io-demo-'));
  const settings: IoJobSettings = { url, folder, scale };
  const timeline = new Timeline({ colors: IO_JOB_COLORS });
  const results: IoModeResult[] = [];
  let origin: number | undefined;
  try {
    for (const mode of modes) {
      const started = now();
      const run = async (job: (typeof SEED_IO_JOBS)[number]): Promise<Span> => {
        options.log?.(`[${mode}] ${job.actor}: ${job.start}`);
        const span = mode === 'threads' ? await onThread(job.job, settings) : await runIoJob(job.job, settings, `${mode}`);
        options.log?.(`[${mode}] ${job.actor}: ${job.end} = ${((span.end - started) / 1000).toFixed(3)}`);
        // One row per job, so overlapping jobs stay visible; the row says where the job ran.
        return {
          ...span,
          lane:
            mode === 'sequential'
              ? 'sequential (main)'
              : mode === 'threads'
                ? `threads · ${job.job} (${span.lane})`
                : `concurrent · ${job.job} (main)`,
        };
      };
      const spans: Span[] = [];
      if (mode === 'sequential') for (const job of SEED_IO_JOBS) spans.push(await run(job));
      else spans.push(...(await Promise.all(SEED_IO_JOBS.map(run))));
      const totalMs = now() - started;
      options.log?.(`[${mode}] Terminan los procesos = ${(totalMs / 1000).toFixed(3)}`);
      // Every mode drawn from the same origin, so the ends compare directly.
      const shift = started - (origin ??= started);
      timeline.add(...spans.map((span) => ({ ...span, start: span.start - shift, end: span.end - shift })));
      results.push({ mode, totalMs, spans });
    }
    return { results, timeline };
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(folder, { recursive: true, force: true });
  }
}

async function onThread(job: IoJobName, settings: IoJobSettings): Promise<Span> {
  const thread = new Thread<Span>({
    target: { module: compiledEntry('01-threads-vs-async/io-demo.ts'), export: 'runIoJob' },
    args: [job, settings],
    name: job,
  });
  thread.start();
  return thread.join(30_000);
}
