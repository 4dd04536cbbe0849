/**
 * Unit 09, the system monitor (seed 002): sensor daemons → Queue → analyzer
 * Pool → terminal view, with a clean Ctrl-C. The command-line program is
 * cli.ts (`npm run monitor`); notebooks use `runMonitor` and `monitorChart`.
 */
export { SystemMonitor, runMonitor, type MonitorHooks, type MonitorResult } from './monitor.js';
export { parseMonitorArguments, parseDuration, thresholdFor, MonitorOptionError, DEFAULT_SENSORS, type MonitorOptions } from './options.js';
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
export { analyzeReading, type RawReading } from './analyzer.js';
export { formatReading, progressBar, useColour } from './view.js';
export type { AnalysedReading, Status } from './analyzer.js';
export { SummaryBuilder, formatSummary, type SensorSummary } from './summary.js';
export { monitorChart, type MonitorChartOptions } from './chart.js';
export { watchMonitor, monitorOptions, type WatchMonitorOptions } from './live.js';
export { runMonitorProgram } from './run-cli.js';
