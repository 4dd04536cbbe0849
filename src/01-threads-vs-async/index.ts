/**
 * Unit 01, threads vs async: Python's `threading.Thread` on a Node worker
 * thread, asyncio's tools on the event loop, and the instruments that show the
 * difference: a lag meter (is the event loop blocked?) and a timeline tracer
 * (who ran what, when: sequential, concurrent or parallel).
 */
export { Thread, type ThreadOptions } from './thread.js';
export { JoinTimeoutError, EndedEarlyError, type ModuleTarget, type Target } from '../engine/lifecycle.js';
export {
  sleep,
  withTimeout,
  gather,
  mapLimit,
  TimeoutError,
  type GatherOptions,
  type MapLimitOptions,
  type SleepOptions,
  type WithTimeoutOptions,
} from './async-tools.js';
export { LagMeter, measureLag, type LagStats, type LagMeterOptions } from './lag-meter.js';
export { Timeline, timelineChart, traceSpan, currentLane, now, type Span, type TimelineChartOptions } from './timeline.js';
export { compareIoModes, runIoJob, SEED_IO_JOBS, IO_JOB_COLORS, type IoMode, type IoModeResult, type IoJobName } from './io-demo.js';
export { compareCpuModes, runCpuJob, type CpuMode, type CpuModeResult } from './cpu-demo.js';
