/**
 * A program for the lifetime demo (lifetime-demo.ts): it starts one of each
 * kind of background helper, prints their pids as JSON lines, and then has
 * nothing left to do. What happens next is the lesson: which helpers keep it
 * alive, and which survive it.
 */
import { spawn } from 'node:child_process';
import { Thread } from '../../01-threads-vs-async/thread.js';
import { Process } from '../../03-processes-queues-pipes/process.js';

const childMs = Number(process.argv[2] ?? 600);
const report = (what: string, pid: number) => console.log(JSON.stringify({ what, pid }));
const forever = () => new Promise(() => setInterval(() => {}, 1000));

const daemonThread = new Thread({ target: forever, daemon: true, name: 'daemon thread' });
daemonThread.start();
report('daemon Thread', process.pid);

const daemonProcess = new Process({ target: forever, daemon: true, name: 'daemon process' });
daemonProcess.start();
report('daemon Process', daemonProcess.pid!);

const worker = new Process({
  target: (ms: number) => new Promise((resolve) => setTimeout(resolve, ms)),
  args: [childMs],
  name: 'non-daemon process',
});
worker.start();
report('non-daemon Process', worker.pid!);

// A child started by hand, detached and unref'ed: nothing ties it to this program.
const orphan = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore' });
orphan.unref();
report('detached child_process.spawn', orphan.pid!);

// An unref'ed timer: it would fire every 100 ms, but it does not keep the program alive.
setInterval(() => {}, 100).unref();
console.log(JSON.stringify({ mainDone: true }));
