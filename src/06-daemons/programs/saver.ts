/**
 * A program for the shutdown demo (shutdown-demo.ts): a periodic daemon saves
 * a buffer of readings every `saveEveryMs`; a sporadic daemon logs alarms; on
 * SIGINT/SIGTERM the shutdown coordinator stops them, saves what is left, and
 * says how many readings it kept. Nothing is lost.
 */
import { EventEmitter } from 'node:events';
import { periodic } from '../periodic.js';
import { sporadic } from '../sporadic.js';
import { ShutdownCoordinator } from '../shutdown.js';

const saveEveryMs = Number(process.argv[2] ?? 300);
const bus = new EventEmitter();
const buffer: number[] = [];
let produced = 0;
let saved = 0;

// The program's own work: a reading every 20 ms (it keeps the program alive).
const producer = setInterval(() => {
  const reading = ++produced;
  buffer.push(reading);
  if (reading % 25 === 0) bus.emit('alarm', reading);
}, 20);

const saver = periodic(
  () => {
    saved += buffer.splice(0).length;
    console.log(`saver: saved, ${saved} readings on disk`);
  },
  { intervalMs: saveEveryMs, name: 'saver' },
);
const logger = sporadic<number>((reading) => console.log(`logger: alarm at reading ${reading}`), { on: [bus, 'alarm'], name: 'logger' });

new ShutdownCoordinator({ deadlineMs: 1500 })
  .register('stop producing', () => clearInterval(producer))
  .register('stop the daemons', () => Promise.all([saver.stop(), logger.stop()]))
  .register('save what is left', () => {
    saved += buffer.splice(0).length;
    console.log(`shutdown: saved the rest, ${saved} readings on disk, ${produced} produced`);
  })
  .listen({
    onDone: (report) => console.log(`shutdown (${report.reason}) ${report.clean ? 'clean' : 'NOT clean'} in ${Math.round(report.ms)} ms`),
  });
console.log('ready');
