/**
 * A penguin or a fly as a network client (net runtime): connects to the race
 * server over TCP and exchanges newline-delimited JSON with it. The runtime
 * starts one per actor, but any machine that can reach the server can run one:
 *
 *   node dist/08-penguin-race/net-actor.js HOST PORT penguin|fly ID
 *
 * The client ignores SIGINT (Ctrl-C reaches the whole process group; the
 * server decides when the race stops) and exits when its connection closes.
 */
import { connect } from 'node:net';
import { ActorDriver } from './actor-driver.js';
import { readJsonLines, writeJsonLine } from './json-lines.js';
import type { HostMessage } from './protocol.js';

const [host, portText, role, idText] = process.argv.slice(2);
const port = Number(portText);
const id = Number(idText);
if (
  !host ||
  !Number.isInteger(port) ||
  port <= 0 ||
  port > 65535 ||
  (role !== 'penguin' && role !== 'fly') ||
  !Number.isInteger(id) ||
  id < 0
) {
  console.error('usage: node net-actor.js HOST PORT penguin|fly ID');
  process.exit(2);
}

process.on('SIGINT', () => undefined);
const socket = connect({ host, port });
socket.setNoDelay(true);
const driver = new ActorDriver(role, id, {
  send: (message) => {
    writeJsonLine(socket, message);
  },
  close: () => socket.end(),
});
socket.on('connect', () => driver.hello());
readJsonLines(socket, {
  onLine: (event) => {
    if (event.ok) driver.receive(event.value as HostMessage);
    else console.error(`${role} ${id}: the server sent ${event.error}`);
  },
});
socket.on('error', (error) => console.error(`${role} ${id}: ${error.message}`));
socket.on('close', () => {
  driver.abandon();
  process.exit(0);
});
