/**
 * A penguin or a fly in a child process (processes runtime): its messages go
 * over the IPC channel to the server in the parent. Usage (by the runtime):
 * `fork(process-actor.js, [role, id])`.
 *
 * Ctrl-C reaches the whole process group, so this child ignores SIGINT: the
 * parent stops the race and tells it to stop. If the parent dies, the channel
 * closes and the child leaves ('disconnect').
 */
import { ActorDriver } from './actor-driver.js';
import type { HostMessage, Role } from './protocol.js';

const send = process.send?.bind(process);
if (!send) throw new Error('process-actor.js is started by the processes runtime, with an IPC channel');
const role = process.argv[2] as Role;
const id = Number(process.argv[3]);

process.on('SIGINT', () => undefined);
process.on('disconnect', () => {
  driver.abandon();
  process.exit(0);
});

// Disconnect only once every message (the bye last) has been handed to the channel.
let unsent = 0;
let closing = false;
const disconnectWhenFlushed = (): void => {
  if (closing && unsent === 0 && process.connected) process.disconnect();
};
const driver = new ActorDriver(role, id, {
  send: (message) => {
    if (!process.connected) return;
    unsent++;
    send(message, undefined, {}, () => {
      unsent--;
      disconnectWhenFlushed();
    });
  },
  close: () => {
    closing = true;
    disconnectWhenFlushed();
  },
});
process.on('message', (message: HostMessage) => driver.receive(message));
driver.hello();
