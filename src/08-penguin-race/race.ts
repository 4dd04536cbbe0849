/**
 * Running one race, on any runtime: build the clock and the server, let the
 * runtime start the actors, start them together, end the race (everyone is
 * out, the time bound, stop() / an AbortSignal / Ctrl-C), then end every
 * worker, child and socket, and give the result.
 *
 *   const result = await runRace({ runtime: 'threads', penguins: 4, flies: 2, seed: 7 });
 *
 *   const race = startRace({ onFrame: (snapshot) => draw(snapshot) });
 *   setTimeout(() => race.stop(), 1000);     // partial standings, nothing left running
 *   const partial = await race.result;
 */
import { RealClock, type Clock } from './clock.js';
import { residentBytesOf } from './memory.js';
import { normalizeRaceOptions, type NormalizedRaceOptions, type RaceOptions } from './options.js';
import { buildResult, type RaceResult } from './results.js';
import type { ActorInfo, ActorReport, RaceRuntime, RuntimeContext } from './runtime.js';
import { AsyncRuntime } from './runtime-async.js';
import { NetRuntime } from './runtime-net.js';
import { ProcessesRuntime } from './runtime-processes.js';
import { ThreadsRuntime } from './runtime-threads.js';
import { RaceServer } from './server.js';
import type { RaceSnapshot } from './snapshot.js';
import { VirtualClock } from './virtual-clock.js';

export interface RaceInfo {
  runtime: NormalizedRaceOptions['runtime'];
  actors: ActorInfo[];
  /** net: where the server listens. */
  address?: { host: string; port: number };
  startupMs: number;
}

export interface RaceHandle {
  readonly options: NormalizedRaceOptions;
  /** Resolves once every actor is ready and the race has started (rejects if they could not start). */
  readonly ready: Promise<RaceInfo>;
  /** The result, once the race has ended and everything it started has ended too. */
  readonly result: Promise<RaceResult>;
  /** The race now. */
  snapshot(): RaceSnapshot;
  /** Interrupts the race (like Ctrl-C): the result holds the partial standings. */
  stop(): void;
}

function createRuntime(context: RuntimeContext): RaceRuntime {
  switch (context.options.runtime) {
    case 'async':
      return new AsyncRuntime(context);
    case 'threads':
      return new ThreadsRuntime(context);
    case 'processes':
      return new ProcessesRuntime(context);
    case 'net':
      return new NetRuntime(context);
  }
}

/** Starts a race and returns at once; options are checked first (a RaceOptionError is thrown here). */
export function startRace(options: RaceOptions = {}): RaceHandle {
  const normalized = normalizeRaceOptions(options);
  const clock: Clock = normalized.rules.clock === 'virtual' ? new VirtualClock() : new RealClock();
  const server = new RaceServer(normalized.rules, clock, { trace: normalized.trace });
  const runtime = createRuntime({ server, clock, options: normalized });

  let stopRequested = false;
  let wakeStop!: () => void;
  const stopped = new Promise<void>((resolve) => (wakeStop = resolve));
  const stop = (): void => {
    if (stopRequested) return;
    stopRequested = true;
    server.end('interrupted');
    wakeStop();
  };

  let markReady!: (info: RaceInfo) => void;
  let failReady!: (error: unknown) => void;
  const ready = new Promise<RaceInfo>((resolve, reject) => {
    markReady = resolve;
    failReady = reject;
  });
  ready.catch(() => undefined); // the same error reaches `result`

  const result = runToTheEnd({ normalized, clock, server, runtime, stopped, isStopped: () => stopRequested, markReady, failReady, stop });
  return { options: normalized, ready, result, snapshot: () => server.snapshot(), stop };
}

/** Runs a race to its end and gives the result. */
export function runRace(options: RaceOptions = {}): Promise<RaceResult> {
  return startRace(options).result;
}

interface RunParts {
  normalized: NormalizedRaceOptions;
  clock: Clock;
  server: RaceServer;
  runtime: RaceRuntime;
  stopped: Promise<void>;
  isStopped: () => boolean;
  markReady: (info: RaceInfo) => void;
  failReady: (error: unknown) => void;
  stop: () => void;
}

async function runToTheEnd(parts: RunParts): Promise<RaceResult> {
  const { normalized, clock, server, runtime, stopped, isStopped, markReady, failReady, stop } = parts;
  const { signal, onFrame } = normalized;
  const startedAt = performance.now();
  const rssBefore = process.memoryUsage().rss;
  let startupMs = 0;
  let memoryMb = 0;
  let raceStartedAt: number;
  let raceMs = 0;
  let failure: unknown;
  let actors: ActorReport[];
  let frameTimer: NodeJS.Timeout | undefined;
  let limitTimer: NodeJS.Timeout | undefined;

  const emitFrame = (): void => {
    if (!onFrame || failure !== undefined) return;
    try {
      onFrame(server.snapshot());
    } catch (error) {
      failure = error;
      server.end('error');
    }
  };

  if (signal?.aborted) stop();
  signal?.addEventListener('abort', stop, { once: true });
  try {
    try {
      const launched = runtime.launch();
      launched.catch(() => undefined); // if stopped first, its error is moot
      await Promise.race([launched, stopped]);
    } catch (error) {
      failReady(error);
      throw error;
    }
    startupMs = performance.now() - startedAt;
    memoryMb = (Math.max(0, process.memoryUsage().rss - rssBefore) + residentBytesOf(runtime.actors.map((a) => a.pid))) / 2 ** 20;
    if (isStopped()) failReady(new Error('the race was stopped before it started'));
    else markReady({ runtime: normalized.runtime, actors: runtime.actors, address: runtime.address, startupMs });

    if (!isStopped()) {
      raceStartedAt = performance.now();
      if (clock instanceof RealClock) {
        clock.restart();
        limitTimer = setTimeout(() => server.end('time-bound'), normalized.timeLimitMs);
        if (onFrame) frameTimer = setInterval(emitFrame, normalized.frameMs);
        emitFrame();
        runtime.begin();
        await server.whenOver();
      } else {
        const virtual = clock as VirtualClock;
        void virtual.sleep(normalized.timeLimitMs).then(() => server.end('time-bound'));
        if (onFrame) {
          emitFrame();
          void (async () => {
            while (!server.over) {
              await virtual.sleep(normalized.frameMs);
              if (!server.over) emitFrame();
            }
          })();
        }
        runtime.begin();
        const end = await virtual.run({ until: () => server.over, wallLimitMs: normalized.wallLimitMs });
        if (end === 'wall-limit') server.end('time-bound');
        if (end === 'idle' && !server.over) {
          failure = new Error('the virtual clock ran out of events before the race ended (every actor stopped?)');
          server.end('error');
        }
      }
      raceMs = performance.now() - raceStartedAt;
    }
  } catch (error) {
    failure ??= error;
    server.end('error');
  } finally {
    signal?.removeEventListener('abort', stop);
    clearTimeout(limitTimer);
    clearInterval(frameTimer);
    server.end('interrupted'); // no-op unless something above left the race running
    clock.end();
    actors = await runtime.close();
  }
  emitFrame();
  if (failure !== undefined) throw failure;
  return buildResult({ runtime: normalized.runtime, server, actors, wall: { startupMs, raceMs, memoryMb } });
}
