/**
 * Queues and pipe ends given to a Thread or a Process arrive as plain data.
 *
 * A Queue or a PipeEnd crosses to a worker or a child as its handle (its own
 * fields, copied by structured clone). So that a target can simply use what it
 * was given, as in Python (`new Process({ target: producer, args: [queue] })`),
 * the worker turns every handle among the arguments, and among the fields of a
 * class-style `this`, back into a working Queue or PipeEnd before the target
 * runs, and afterwards disconnects them: that also sends anything still batched
 * (puts and sends travel in batches) before the worker or child exits.
 * Only top-level values are revived; a handle inside another object stays data
 * (call `Queue.from(handle)` or `connection(handle)` on it yourself).
 *
 * Locks and the other shared-memory primitives (units 05 and 07) arrive as
 * `{ handle }` (their one public field; the SharedArrayBuffer in it is shared,
 * not copied) and are rebuilt the same way with `X.from(handle)`, so the seed's
 * `Thread(target=f, args=(lock,))` works as written. They need no release.
 */

const QUEUE_KIND = 'course-kit/queue';
const PIPE_END_KIND = 'course-kit/pipe-end';

interface Disposable {
  dispose(): Promise<void>;
}

export interface RevivedHandles {
  /** Disconnects every revived queue and pipe end, after flushing what they batched. */
  release(): Promise<void>;
}

function kindOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const kind = (value as { kind?: unknown }).kind;
  return kind === QUEUE_KIND || kind === PIPE_END_KIND ? kind : undefined;
}

/** Where each shared-memory primitive lives, by the kind its handle carries. */
const SHARED_PRIMITIVES: Record<string, () => Promise<{ from(handle: never): unknown }>> = {
  Lock: async () => (await import('../05-races-and-locks/shared-lock.js')).Lock,
  Semaphore: async () => (await import('../05-races-and-locks/semaphore.js')).Semaphore,
  Condition: async () => (await import('../05-races-and-locks/condition.js')).Condition,
  Event: async () => (await import('../05-races-and-locks/event.js')).Event,
  Barrier: async () => (await import('../05-races-and-locks/barrier.js')).Barrier,
  TicketLock: async () => (await import('../07-deadlock-and-starvation/ticket-lock.js')).TicketLock,
};

/** The handle of a shared-memory primitive that crossed as `{ handle }` or as the bare handle, else undefined. */
function sharedPrimitiveHandle(value: unknown): { kind: string } | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const candidate = 'handle' in value && Object.keys(value).length === 1 ? (value as { handle: unknown }).handle : value;
  if (typeof candidate !== 'object' || candidate === null) return undefined;
  const { kind, sab } = candidate as { kind?: unknown; sab?: unknown };
  return typeof kind === 'string' && kind in SHARED_PRIMITIVES && sab instanceof SharedArrayBuffer
    ? (candidate as { kind: string })
    : undefined;
}

/**
 * Replaces, in place, each handle in `values` (an args array, or the fields of
 * `this`) by a working Queue or PipeEnd. The queue and pipe modules are loaded
 * only when a handle is present, so threads that use none start as fast as before.
 */
export async function reviveHandles(...holders: Array<unknown[] | Record<string, unknown>>): Promise<RevivedHandles> {
  const revived: Disposable[] = [];
  for (const holder of holders) {
    for (const key of Object.keys(holder)) {
      const value = (holder as Record<string, unknown>)[key];
      const primitive = sharedPrimitiveHandle(value);
      if (primitive) {
        (holder as Record<string, unknown>)[key] = (await SHARED_PRIMITIVES[primitive.kind]()).from(primitive as never);
        continue;
      }
      const kind = kindOf(value);
      if (kind === undefined) continue;
      const working =
        kind === QUEUE_KIND
          ? (await import('../03-processes-queues-pipes/queue.js')).Queue.from(value as never)
          : (await import('../03-processes-queues-pipes/pipe.js')).connection(value as never);
      (holder as Record<string, unknown>)[key] = working;
      revived.push(working);
    }
  }
  return {
    release: async () => {
      await Promise.allSettled(revived.map((handle) => handle.dispose()));
    },
  };
}
