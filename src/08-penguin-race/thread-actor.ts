/**
 * A penguin or a fly in a worker thread (threads runtime): its messages go
 * through the worker's port to the server on the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ActorDriver } from './actor-driver.js';
import type { HostMessage, Role } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('thread-actor.js runs as a worker thread started by the threads runtime');
const { role, id } = workerData as { role: Role; id: number };

const driver = new ActorDriver(role, id, {
  send: (message) => port.postMessage(message),
  close: () => port.close(),
});
port.on('message', (message: HostMessage) => driver.receive(message));
driver.hello();
