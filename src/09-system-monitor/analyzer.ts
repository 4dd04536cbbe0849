/**
 * The analyzer: classifies one reading as NORMAL or ALERT against its
 * sensor's threshold (the seed's `analyze_data`). It runs on the analyzer pool,
 * so it is self-contained: it is sent to the workers as source code.
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
export interface AnalysedReading extends RawReading {
  threshold: number;
  /** 'N/A' when the machine does not expose the sensor (value undefined). */
  status: Status | 'N/A';
}

export function analyzeReading(reading: RawReading, threshold: number): AnalysedReading {
  const status = reading.value === undefined ? 'N/A' : reading.value >= threshold ? 'ALERT' : 'NORMAL';
  return { ...reading, threshold, status };
}
