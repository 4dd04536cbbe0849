/**
 * The keeper of an embedded redis-server: a small child process between the
 * kit and the server, so that the server never outlives the program that
 * started it. It starts redis-server, tells its parent when the server is
 * ready (or why it is not), and ends the server when the parent says stop OR
 * when the parent is gone (its IPC channel disconnects: the parent exited,
 * crashed or was killed), then removes the server's temporary folder.
 *
 * argv[2]: JSON { args: string[], folder: string }.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';

const { args, folder } = JSON.parse(process.argv[2]) as { args: string[]; folder: string };
const send = (message: object): void => void (process.connected && process.send?.(message));

const server = spawn('redis-server', args, { cwd: folder, stdio: ['ignore', 'pipe', 'pipe'] });
let output = '';
let ready = false;
const listen = (chunk: Buffer): void => {
  output = (output + chunk.toString()).slice(-4000);
  if (!ready && /Ready to accept connections/.test(output)) {
    ready = true;
    send({ ready: true, pid: server.pid });
  }
};
server.stdout.on('data', listen);
server.stderr.on('data', listen);
server.on('error', (error) => send({ error: `could not start redis-server: ${error.message}` }));

let ending = false;
function end(): void {
  if (ending) return;
  ending = true;
  if (server.exitCode === null && server.signalCode === null) {
    server.kill('SIGTERM');
    setTimeout(() => server.kill('SIGKILL'), 2000).unref();
  } else finish();
}
function finish(): void {
  rmSync(folder, { recursive: true, force: true });
  process.exit(0);
}

server.on('exit', (code, signal) => {
  if (!ready) send({ error: `redis-server exited (${signal ?? `code ${code}`}) before it was ready: ${lastLines(output)}` });
  if (!ending) send({ exited: true });
  finish();
});
process.on('message', (message: { stop?: boolean }) => {
  if (message?.stop) end();
});
process.on('disconnect', end);
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, end);

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join(' / ');
}
