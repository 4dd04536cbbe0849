/**
 * `npm run monitor -- [options]`: the system monitor in a terminal (seed 002).
 *
 *   === Monitoring system started ===
 *   5 readings per sensor
 *
 *   12:04:31 | cpu                    [########------------]     41.3%  NORMAL
 *   ...
 *   All sensors have taken their 5 readings
 *   Stopping the system...
 *   <summary table>
 *   System stopped cleanly
 *
 * Ctrl-C (SIGINT) or SIGTERM at any moment: "Stopping the system early...",
 * the sensors stop, every reading already taken is still analyzed, the pool
 * closes, the summary prints, exit code 0, all within 2 seconds (the shutdown
 * coordinator's deadline; past it, exit code 1 and which step was late).
 * A bad option: one line on stderr, exit code 2.
 *
 * With --json, stdout carries only JSON lines (one per reading, then one
 * summary); the messages go to stderr.
 *
 * With --seed-profile, the seed's run: its sensors, intervals and 5 readings,
 * each reading printed as the seed does (the bar line, then "cpu: NORMAL"), an
 * end marker per sensor, get with a 1 s timeout, 0.5 s per analysis, one at a
 * time unless --analysis concurrent.
 *
 * With --stream [URL], every reading taken is also appended to the Redis Stream
 * monitor:readings (stream-publisher.ts), for analyzers on other processes or
 * machines (unit 10). Without a URL: REDIS_URL, else a private Redis started for
 * the run (its address is printed; it ends with the monitor). An address that
 * does not answer: one line naming --stream within 5 s, exit code 2.
 */
import { ShutdownCoordinator, type ShutdownReport } from '../06-daemons/shutdown.js';
import { runCommand, UsageError } from '../engine/command-line.js';
import { RedisConnectError, RedisNotInstalledError } from '../engine/redis/index.js';
import { SystemMonitor, type MonitorResult } from './monitor.js';
import { intervalFor, parseMonitorArguments, type MonitorOptions } from './options.js';
import { openReadingStream, type ReadingStream } from './stream-publisher.js';
import { formatSummary } from './summary.js';
import { formatReading, formatSeedReading, useColor } from './view.js';

const SHUTDOWN_DEADLINE_MS = 1800;

function describeRun(options: MonitorOptions): string {
  if (options.seedProfile) {
    const every = options.sensors.map((sensor) => `${sensor} every ${intervalFor(options, sensor) / 1000} s`).join(', ');
    const how = options.analysis === 'sequential' ? 'one at a time, as the seed' : `up to ${options.workers} at once`;
    return `${options.count} readings per sensor (${every}); ${options.analyzeMs / 1000} s per analysis, ${how}`;
  }
  const parts = [];
  if (options.count !== undefined) parts.push(`${options.count} readings per sensor`);
  if (options.durationMs !== undefined) parts.push(`for ${options.durationMs / 1000} s`);
  if (parts.length === 0) parts.push('until Ctrl-C');
  return `${parts.join(', ')}, every ${options.intervalMs / 1000} s, ALERT at >= ${options.threshold}`;
}

export async function main(argv: readonly string[]): Promise<void> {
  const options = parseMonitorArguments(argv); // a bad option: a UsageError, one line and exit code 2 (runCommand)
  const color = !options.json && useColor(process.stdout);
  // Messages share stdout with the readings, except in JSON mode.
  const say = options.json ? (line: string) => console.error(line) : (line: string) => console.log(line);

  const stream = options.stream === undefined ? undefined : await openStream(options.stream);

  say('=== Monitoring system started ===');
  say(`${describeRun(options)}\n`);
  if (stream) {
    const where = stream.embedded ? ' (a private Redis started for this run: it ends with the monitor)' : '';
    say(`Publishing every reading to the stream ${stream.publisher.stream} at ${stream.url}${where}\n`);
  }

  const monitor = new SystemMonitor(options, {
    onTaken: stream ? (reading) => stream.publisher.send(reading) : undefined,
    onReading(reading) {
      if (options.json) console.log(JSON.stringify({ type: 'reading', ...reading }));
      else console.log(options.seedProfile ? formatSeedReading(reading, color) : formatReading(reading, color));
    },
  });
  const running = monitor.run();
  let result: MonitorResult | undefined;

  const coordinator = new ShutdownCoordinator({ deadlineMs: SHUTDOWN_DEADLINE_MS })
    .register('stop the sensors, drain the queue, close the pool', async (reason) => {
      if (reason === 'SIGINT' || reason === 'SIGTERM') say('\n\nStopping the system early...');
      await monitor.stop();
      result = await running;
    })
    .register('publish what is left to the stream, disconnect', async () => {
      if (!stream) return;
      const { published, failed, error } = await stream.close();
      say(`\n${published} readings published to the stream ${stream.publisher.stream} at ${stream.url}`);
      if (failed > 0) throw new Error(`${failed} readings were not published: ${error?.message}`);
    })
    .register('print the summary', () => {
      if (!result) return;
      const { reason, endedBy, markers, getTimeouts, maxInFlight } = result;
      if (options.json) {
        const durationMs = Math.round(result.durationMs);
        const extra = { endedBy, markers, getTimeouts, maxInFlight };
        console.log(JSON.stringify({ type: 'summary', reason, durationMs, ...extra, sensors: result.summary }));
      } else say(`\n${formatSummary(result.summary)}\n`);
      if (options.seedProfile) {
        say(`end markers taken: ${markers}; get(timeout=${options.getTimeoutMs! / 1000} s) came back empty ${getTimeouts} times`);
        say(`analyses in flight at once, at most: ${maxInFlight}`);
      }
      say('System stopped cleanly');
    });
  const unlisten = coordinator.listen({ onDone: reportFailedSteps });

  const finished = await running;
  if (coordinator.shuttingDown) return; // a signal came first: the coordinator ends the program
  unlisten();
  if (finished.reason === 'count') say(`\n\nAll sensors have taken their ${options.count} readings`);
  else if (finished.reason === 'duration') say(`\n\nThe ${options.durationMs! / 1000} s are over`);
  say('Stopping the system...');
  const report = await coordinator.shutdown(finished.reason);
  reportFailedSteps(report);
  if (!report.clean) process.exitCode = 1;
}

/** The stream's Redis, or a UsageError naming --stream (one line, exit code 2). */
async function openStream(url: string): Promise<ReadingStream> {
  try {
    return await openReadingStream(url);
  } catch (error) {
    if (error instanceof RedisConnectError || error instanceof RedisNotInstalledError) throw new UsageError(`--stream: ${error.message}`);
    throw error;
  }
}

function reportFailedSteps(report: ShutdownReport): void {
  for (const step of report.steps) if (!step.ok) console.error(`monitor: shutdown step "${step.name}" failed: ${step.error}`);
}

await runCommand(() => main(process.argv.slice(2)), { label: 'monitor' });
