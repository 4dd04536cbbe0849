/**
 * A link over a MessagePort, between two threads of one process. The first frame
 * of an event-loop turn is posted as it is (postMessage copies it at once: a
 * ping-pong costs about what a bare postMessage does); the frames that follow in
 * the same turn are the bytes a socket carries (frames.ts), one message per
 * batch: items serialized once, when they are put, many sharing one message.
 *
 * A port must be transferred to reach another thread, so only the kit can lay
 * one: when a Thread is given a Queue or a pipe end, it opens a port to the
 * owner and moves it to the worker with the task (thread-links.ts). A message
 * is in the other thread's queue when postMessage returns, and a port that
 * closes (its thread ended or was terminated) delivers every message posted
 * before its 'close'.
 */
import { Buffer } from 'node:buffer';
import type { MessagePort } from 'node:worker_threads';
import { FrameReader } from './frames.js';
import type { Link, LinkEvents } from './link.js';
import { Outbox } from './outbox.js';

/** A frame posted as it is (Outbox's `post`): the first of a turn. */
interface FrameMessage {
  frame: object;
  items: readonly unknown[];
}

/** A port handed to the owner through another link, to be served as a connection of its own. */
interface AdoptMessage {
  adopt: MessagePort;
}

export class PortLink<In> implements Link<In> {
  readonly outbox: Outbox;
  readonly reached = true;
  readonly #port: MessagePort;
  readonly #adopt: ((port: MessagePort) => void) | undefined;
  readonly #closed: Promise<void>;

  /** `adopt`: on the owner's side, serves the ports handed to it (see `sendPort`). */
  constructor(port: MessagePort, adopt?: (port: MessagePort) => void) {
    this.#port = port;
    this.#adopt = adopt;
    this.outbox = new Outbox(
      (bytes) => {
        const copy = new Uint8Array(bytes.length); // a buffer of its own, moved rather than cloned
        copy.set(bytes);
        port.postMessage(copy, [copy.buffer]);
        return true;
      },
      (header, items) => port.postMessage({ frame: header, items } satisfies FrameMessage),
    );
    this.#closed = new Promise((resolve) => port.once('close', () => resolve()));
  }

  start(events: LinkEvents<In>): void {
    const reader = new FrameReader<In>();
    this.#port.on('message', (message: Uint8Array | FrameMessage | AdoptMessage) => {
      if (message instanceof Uint8Array) {
        for (const frame of reader.push(Buffer.from(message.buffer, message.byteOffset, message.length))) events.frame(frame);
      } else if ('frame' in message) {
        events.frame({ header: message.frame as In, items: message.items as unknown[] });
      } else if (this.#adopt && message?.adopt) this.#adopt(message.adopt);
    });
    this.#port.unref(); // the 'message' listener refs it: only keepAlive(true) may
    void this.#closed.then(() => {
      this.outbox.discard();
      events.closed();
    });
  }

  /** Hands `port` to the other side (the owner), which serves it as a connection of its own. */
  sendPort(port: MessagePort): void {
    this.outbox.flush();
    this.#port.postMessage({ adopt: port } satisfies AdoptMessage, [port]);
  }

  keepAlive(keep: boolean): void {
    if (keep) this.#port.ref();
    else this.#port.unref();
  }

  end(hold: boolean): Promise<void> {
    if (hold) this.#port.ref();
    this.outbox.flush();
    this.#port.close();
    return this.#closed;
  }
}
