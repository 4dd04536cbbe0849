/**
 * The analyzer: classifies one reading as NORMAL or ALERT against its
 * sensor's threshold (the seed's `analyze_data`). It runs on the analyzer pool,
 * so each function here is self-contained: it is sent to the workers as source code.
 */
/** A reading as a sensor daemon puts it into the queue. */
export interface RawReading {
  sensor: string;
  unit: string;
  simulated: boolean;
  /** undefined: the machine does not expose this sensor. */
  value: number | undefined;
  takenAt: number;
  /** 1, 2, 3... per sensor. */
  seq: number;
}

export type Status = 'NORMAL' | 'ALERT';

/** A reading after the analyzer classified it. */
export interface AnalyzedReading extends RawReading {
  threshold: number;
  /** 'N/A' when the machine does not expose the sensor (value undefined). */
  status: Status | 'N/A';
}

export function analyzeReading(reading: RawReading, threshold: number): AnalyzedReading {
  const status = reading.value === undefined ? 'N/A' : reading.value >= threshold ? 'ALERT' : 'NORMAL';
  return { ...reading, threshold, status };
}

/**
 * `analyzeReading` after `ms` of simulated processing (the seed's
 * `time.sleep(0.5)  # Simulando procesamiento`). The wait blocks the worker, as
 * `time.sleep` blocks the Python process: a worker analyzes one reading at a time.
 */
export function analyzeReadingSlowly(reading: RawReading, threshold: number, ms: number): AnalyzedReading {
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  const status = reading.value === undefined ? 'N/A' : reading.value >= threshold ? 'ALERT' : 'NORMAL';
  return { ...reading, threshold, status };
}
