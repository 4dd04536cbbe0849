/**
 * MessagePorts for worker threads the kit starts (port-link.ts says why only the kit can).
 *
 * In the parent thread, an owner (TransportHost) and every connection that
 * already talks to its owner over a port offer to open a new port to that owner,
 * by its address. When a Thread is given a handle, it asks for a port
 * (`openThreadLink`) and moves it to the worker with the task. In the worker,
 * the port waits here (`leaveThreadLink`) until the handle is revived and its
 * connection takes it (`takeThreadLink`) instead of dialling the socket.
 * Anything else (a child process, a handle posted to a plain Worker) uses the socket.
 */
import type { MessagePort } from 'node:worker_threads';

const openers = new Map<string, Set<() => MessagePort>>();
const arrived = new Map<string, MessagePort[]>();

/** Offers `open` for new workers' links to the owner at `address`; call the result to withdraw the offer. */
export function offerThreadLinks(address: string, open: () => MessagePort): () => void {
  const offers = openers.get(address) ?? new Set();
  openers.set(address, offers.add(open));
  return () => {
    offers.delete(open);
    if (offers.size === 0) openers.delete(address);
  };
}

/** A new port to the owner at `address`, when this thread can reach it by port. */
export function openThreadLink(address: string): MessagePort | undefined {
  const [open] = openers.get(address) ?? [];
  return open?.();
}

/** In the worker: a port that came with the task, for the next connection to `address`. */
export function leaveThreadLink(address: string, port: MessagePort): void {
  arrived.set(address, [...(arrived.get(address) ?? []), port]);
}

/** A port left for `address`, if any (each is taken once). */
export function takeThreadLink(address: string): MessagePort | undefined {
  const ports = arrived.get(address);
  const port = ports?.shift();
  if (ports?.length === 0) arrived.delete(address);
  return port;
}
