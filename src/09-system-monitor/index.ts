/**
 * Unit 09, the system monitor (seed 002): sensor daemons → Queue → analyzer
 * Pool → terminal view, with a clean Ctrl-C. The command-line program is
 * cli.ts (`npm run monitor`); notebooks use `runMonitor` and `monitorChart`.
 */
export { SystemMonitor, runMonitor, type MonitorHooks, type MonitorResult } from './monitor.js';
export {
  parseMonitorArguments,
  parseDuration,
  thresholdFor,
  intervalFor,
  seedProfile,
  MonitorOptionError,
  DEFAULT_SENSORS,
  SEED_INTERVALS,
  type MonitorOptions,
  type AnalysisMode,
} from './options.js';
export {
  createSensors,
  cpuSensor,
  memorySensor,
  temperatureSensor,
  loadSensor,
  lagSensor,
  simulatedSensor,
  SENSOR_NAMES,
  type Sensor,
  type SensorName,
} from './sensors.js';
export { analyzeReading, analyzeReadingSlowly, type RawReading } from './analyzer.js';
export { Analysis, type AnalysisOptions } from './analysis.js';
export {
  compareAnalysis,
  measureAnalysis,
  comparisonRows,
  type AnalysisComparison,
  type AnalysisRun,
  type CompareAnalysisOptions,
} from './compare.js';
export { formatReading, formatSeedReading, progressBar, useColor } from './view.js';
export type { AnalyzedReading, Status } from './analyzer.js';
export { SummaryBuilder, formatSummary, type SensorSummary } from './summary.js';
export { monitorChart, axisFor, type MonitorChartOptions } from './chart.js';
export { watchMonitor, monitorOptions, expectedRunMs, type WatchMonitorOptions } from './live.js';
export { runMonitorProgram } from './run-cli.js';
export {
  StreamPublisher,
  openReadingStream,
  readingToFields,
  readingFromFields,
  DEFAULT_STREAM,
  DEFAULT_STREAM_CAP,
  type StreamReading,
  type StreamPublisherOptions,
  type ReadingStream,
} from './stream-publisher.js';
