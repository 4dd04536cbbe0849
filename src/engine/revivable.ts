/**
 * Objects that cross to a worker thread or a child process as plain data and
 * come back to life there, so that a target can use what it was given, as in
 * Python: `new Thread({ target: work, args: [lock, queue] })`.
 *
 * A Lock crosses as its handle (a SharedArrayBuffer and where its cells are),
 * a Queue or a pipe end as the address of its channel. Each such class
 * registers, once, the kind of handle it makes and the export that rebuilds
 * one (`registerRevivable('Lock', { module: import.meta.url, export: 'Lock',
 * method: 'from' })`). When a task starts, the parent looks up the kinds among
 * its arguments (`revivalTable`) and sends that table along; the worker
 * imports the modules it names and rebuilds each handle (`reviveHandles`). So
 * the engine rebuilds a unit's objects without ever importing a unit.
 *
 * Only top-level values are revived: an argument, or a field of a class-style
 * task's `this` (a handle deeper inside another object stays data). An
 * argument may also be `{ handle }`, an object whose one field is a handle,
 * which is how the shared-memory primitives are copied.
 *
 * A handle with an `address` (a Queue, a pipe end) given to a worker thread of
 * this process may carry a MessagePort to its owner (`attachThreadLinks`), so
 * that the worker talks to it over the port rather than a socket (see
 * transport/thread-links.ts).
 */
import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { MessagePort } from 'node:worker_threads';
import { distRoot, kitRoot } from '../paths.js';
import { leaveThreadLink, openThreadLink } from './transport/thread-links.js';

export interface RevivalEntry {
  /** The module that rebuilds this kind of handle (a file: URL: the class's own `import.meta.url`). */
  readonly module: string;
  /** Its export: a class with a static `method`, or (without `method`) a function. */
  readonly export: string;
  /** The static method that takes the handle, e.g. "from". */
  readonly method?: string;
  /** Whether the rebuilt object holds a connection to close (`dispose()`) when the task ends. */
  readonly disposable?: boolean;
}

/** Kind → how to rebuild it (structured-cloneable: it travels with the task). */
export type RevivalTable = Record<string, RevivalEntry>;

const registry = new Map<string, RevivalEntry>();

/**
 * The compiled module a worker loads for `url`: workers and children run the
 * JavaScript in dist/, also when the parent runs src/ through tsx (the kit's
 * own tests), so a class registered from src/x.ts is rebuilt from dist/x.js.
 */
function compiledModule(url: string): string {
  const file = url.startsWith('file:') ? fileURLToPath(url) : url;
  const source = join(kitRoot, 'src') + sep;
  if (!file.startsWith(source) || !file.endsWith('.ts')) return url;
  const compiled = join(distRoot, file.slice(source.length).replace(/\.ts$/, '.js'));
  return existsSync(compiled) ? pathToFileURL(compiled).href : url;
}

/** Registers how handles of `kind` are rebuilt. Called once by the class, when its module loads. */
export function registerRevivable(kind: string, entry: RevivalEntry): void {
  registry.set(kind, { ...entry, module: compiledModule(entry.module) });
}

/** The handle in `value`: the value itself, or the one field of `{ handle }`; undefined when neither has a registered kind. */
function handleIn(value: unknown, kinds: (kind: string) => boolean): { kind: string } | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const candidate = 'handle' in value && Object.keys(value).length === 1 ? (value as { handle: unknown }).handle : value;
  if (typeof candidate !== 'object' || candidate === null) return undefined;
  const kind = (candidate as { kind?: unknown }).kind;
  return typeof kind === 'string' && kinds(kind) ? (candidate as { kind: string }) : undefined;
}

function* valuesOf(holders: Array<readonly unknown[] | Record<string, unknown>>): Generator<unknown> {
  for (const holder of holders) for (const key of Object.keys(holder)) yield (holder as Record<string, unknown>)[key];
}

/** Parent side: how to rebuild each registered kind of handle found among `holders` (arguments, fields). */
export function revivalTable(...holders: Array<readonly unknown[] | Record<string, unknown>>): RevivalTable {
  const table: RevivalTable = {};
  for (const value of valuesOf(holders)) {
    const handle = handleIn(value, (kind) => registry.has(kind));
    if (handle) table[handle.kind] = registry.get(handle.kind)!;
  }
  return table;
}

/** A handle copied for a worker thread with a port to its owner (moved with the task). */
interface LinkedHandle {
  readonly kind: string;
  readonly address: string;
  readonly port: MessagePort;
}

/**
 * Parent side, for a worker thread of this process: replaces, in place, each
 * handle in `holders` whose owner this thread can reach by port by a copy that
 * carries a new port to it. Returns the ports, for the Worker's transferList.
 */
export function attachThreadLinks(...holders: Array<unknown[] | Record<string, unknown>>): MessagePort[] {
  const ports: MessagePort[] = [];
  for (const holder of holders) {
    for (const key of Object.keys(holder)) {
      const value = (holder as Record<string, unknown>)[key];
      const handle = handleIn(value, (kind) => registry.has(kind)) as Partial<LinkedHandle> | undefined;
      // A handle inside `{ handle }` (shared memory) needs no link; one with an address may get a port to its owner.
      const port = handle === value && typeof handle?.address === 'string' ? openThreadLink(handle.address) : undefined;
      if (!port) continue;
      ports.push(port);
      (holder as Record<string, unknown>)[key] = { ...handle, port };
    }
  }
  return ports;
}

export interface RevivedHandles {
  /** Closes every rebuilt object that holds a connection (flushing what it batched). */
  release(): Promise<void>;
}

type Rebuild = (handle: unknown) => unknown;

async function rebuilder(entry: RevivalEntry): Promise<Rebuild> {
  const namespace = (await import(entry.module)) as Record<string, unknown>;
  const exported = namespace[entry.export] as Record<string, unknown> | ((handle: unknown) => unknown);
  if (entry.method === undefined) return exported as Rebuild;
  const method = (exported as Record<string, Rebuild>)[entry.method];
  return (handle) => method.call(exported, handle);
}

/** A linked handle leaves its port for the connection about to be made, and is revived as plain data. */
function withoutPort(handle: { kind: string }): { kind: string } {
  if (!('port' in handle)) return handle;
  const { port, ...plain } = handle as LinkedHandle;
  leaveThreadLink(plain.address, port);
  return plain;
}

/**
 * Worker side: replaces, in place, each handle in `holders` (an args array,
 * or the fields of `this`) whose kind `table` names by the object it stands
 * for. Modules are imported only for kinds present, so a task that was given
 * none starts as fast as before.
 */
export async function reviveHandles(
  table: RevivalTable | undefined,
  ...holders: Array<unknown[] | Record<string, unknown>>
): Promise<RevivedHandles> {
  const disposables: Array<{ dispose(): Promise<void> }> = [];
  if (table && Object.keys(table).length > 0) {
    const rebuilders = new Map<string, Promise<Rebuild>>();
    for (const holder of holders) {
      for (const key of Object.keys(holder)) {
        const handle = handleIn((holder as Record<string, unknown>)[key], (kind) => kind in table);
        if (!handle) continue;
        const entry = table[handle.kind];
        if (!rebuilders.has(handle.kind)) rebuilders.set(handle.kind, rebuilder(entry));
        const working = (await rebuilders.get(handle.kind)!)(withoutPort(handle));
        (holder as Record<string, unknown>)[key] = working;
        if (entry.disposable) disposables.push(working as { dispose(): Promise<void> });
      }
    }
  }
  return {
    release: async () => {
      await Promise.allSettled(disposables.map((object) => object.dispose()));
    },
  };
}
