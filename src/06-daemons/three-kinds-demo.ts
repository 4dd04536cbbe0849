/**
 * The seed's three kinds of daemon side by side, around one simulated sensor
 * that makes a reading every 40 ms into a buffer:
 *
 * - periodic: a saver appends the buffer to a file every `saveEveryMs`;
 * - sporadic: a logger writes a line when a reading is above 90;
 * - long-running: a watcher notices every change to the data folder.
 *
 * Every run of every daemon is recorded on a timeline. At the end the sensor
 * stops, each daemon is stopped (waiting for its work in progress), the last
 * readings are flushed, and the temporary folder is removed.
 */
import { EventEmitter } from 'node:events';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Timeline } from '../01-threads-vs-async/timeline.js';
import { checkPositiveInteger } from '../engine/validate.js';
import type { Daemon } from './daemon.js';
import { watchPath } from './long-running.js';
import { periodic } from './periodic.js';
import { sporadic } from './sporadic.js';

export interface ThreeKindsResult {
  timeline: Timeline;
  daemons: Daemon[];
  /** Readings the sensor made, and how many reached the data file. */
  produced: number;
  saved: number;
}

export async function runThreeDaemons(options: { durationMs?: number; saveEveryMs?: number } = {}): Promise<ThreeKindsResult> {
  const durationMs = checkPositiveInteger(options.durationMs ?? 1500, 'durationMs');
  const saveEveryMs = checkPositiveInteger(options.saveEveryMs ?? 300, 'saveEveryMs');
  const folder = await mkdtemp(join(tmpdir(), 'daemons-'));
  const timeline = new Timeline();
  const bus = new EventEmitter();
  const buffer: number[] = [];
  let produced = 0;
  let saved = 0;
  const save = async () => {
    const readings = buffer.splice(0);
    saved += readings.length;
    await appendFile(join(folder, 'data.csv'), readings.map((value) => `${value}\n`).join(''));
  };
  const sensor = setInterval(() => {
    const value = Math.round(50 + 45 * Math.sin(++produced / 3));
    buffer.push(value);
    if (value > 90) bus.emit('high', value);
  }, 40);
  const saver = periodic(() => timeline.trace('save', save, { lane: 'periodic: saver' }), { intervalMs: saveEveryMs, name: 'saver' });
  const logger = sporadic<number>(
    (value) => timeline.trace('log', () => appendFile(join(folder, 'alarms.log'), `high reading ${value}\n`), { lane: 'sporadic: logger' }),
    { on: [bus, 'high'], name: 'logger' },
  );
  const watcher = watchPath(folder, (change) =>
    timeline.trace(change.filename ?? '?', () => {}, { lane: 'long-running: watcher', group: 'change seen' }),
  );
  try {
    await new Promise((resolve) => setTimeout(resolve, durationMs));
  } finally {
    clearInterval(sensor);
    await Promise.all([saver.stop(), logger.stop()]);
    await timeline.trace('flush on shutdown', save, { lane: 'periodic: saver', group: 'save' });
    await watcher.stop();
    await rm(folder, { recursive: true, force: true });
  }
  return { timeline, daemons: [saver, logger, watcher], produced, saved };
}
