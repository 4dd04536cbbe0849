/**
 * How the monitor's consumer hands readings to the analyzer pool, two ways.
 *
 * - 'sequential', the seed's: `result = pool.apply_async(analyze_data, ...)`
 *   and at once `status = result.get(timeout=1)`. The consumer waits for each
 *   analysis before it takes the next reading, so one analysis is in flight at
 *   a time and the pool's other workers idle: a pool of 2 analyzes no faster
 *   than one worker would.
 * - 'concurrent': `applyAsync` without waiting, up to `inFlight` analyses at
 *   once (bounded, so a burst cannot flood the pool). Results are still
 *   reported in queue order: when the window is full, the oldest is awaited
 *   and reported first. The output reads as the seed's; what changes is that a
 *   reading's analysis may start, and finish, before the one ahead of it is done.
 *
 * Both count the analyses in flight (started, not yet finished), so a test and
 * the notebook can see the difference rather than trust it.
 */
import type { AsyncResult } from '../04-pools/async-result.js';
import type { Pool } from '../04-pools/pool.js';
import { analyzeReading, analyzeReadingSlowly, type AnalyzedReading, type RawReading } from './analyzer.js';
import type { AnalysisMode } from './options.js';

export interface AnalysisOptions {
  mode: AnalysisMode;
  /** Most analyses in flight at once in 'concurrent' mode (an integer >= 1). */
  inFlight: number;
  /** Simulated processing time per analysis, in ms (0: none). */
  analyzeMs: number;
  thresholdOf(sensor: string): number;
  /** Every analyzed reading, in the order `submit` got them. */
  onAnalyzed(reading: AnalyzedReading): void;
}

interface Started {
  result: AsyncResult<AnalyzedReading>;
  /** Resolves once the analysis has finished and the in-flight count is down. */
  finished: Promise<void>;
}

export class Analysis {
  readonly #pool: Pool;
  readonly #options: AnalysisOptions;
  readonly #window: Started[] = [];
  #inFlight = 0;
  #maxInFlight = 0;
  #analyzed = 0;

  constructor(pool: Pool, options: AnalysisOptions) {
    if (!Number.isInteger(options.inFlight) || options.inFlight < 1) {
      throw new RangeError(`inFlight must be a whole number above 0, got ${options.inFlight}`);
    }
    this.#pool = pool;
    this.#options = options;
  }

  /** The most analyses that were in flight at once so far. */
  get maxInFlight(): number {
    return this.#maxInFlight;
  }

  /** Readings analyzed and reported so far. */
  get analyzed(): number {
    return this.#analyzed;
  }

  /** Hands one reading to the pool; resolves when the consumer may take the next one. */
  async submit(reading: RawReading): Promise<void> {
    const started = this.#start(reading);
    if (this.#options.mode === 'sequential') {
      // The seed: apply_async(...) and then .get() at once.
      await this.#report(started);
      return;
    }
    this.#window.push(started);
    while (this.#window.length >= this.#options.inFlight) await this.#report(this.#window.shift()!);
  }

  /** Waits for the analyses still in flight and reports them, in order. */
  async drain(): Promise<void> {
    while (this.#window.length > 0) await this.#report(this.#window.shift()!);
  }

  #start(reading: RawReading): Started {
    const { analyzeMs, thresholdOf } = this.#options;
    const threshold = thresholdOf(reading.sensor);
    const result =
      analyzeMs > 0
        ? this.#pool.applyAsync(analyzeReadingSlowly, [reading, threshold, analyzeMs])
        : this.#pool.applyAsync(analyzeReading, [reading, threshold]);
    this.#inFlight += 1;
    this.#maxInFlight = Math.max(this.#maxInFlight, this.#inFlight);
    const finished = result.wait().then(() => void (this.#inFlight -= 1));
    return { result, finished };
  }

  async #report({ result, finished }: Started): Promise<void> {
    await finished;
    const analyzed = await result.get();
    this.#analyzed += 1;
    this.#options.onAnalyzed(analyzed);
  }
}
