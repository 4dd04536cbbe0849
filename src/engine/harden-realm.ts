/**
 * Makes a JavaScript realm safe for trusted code to keep running in after
 * untrusted code has loaded into it: nothing the trusted code relies on can be
 * patched, and the ways to read another part of the process's memory are shut.
 * Called before the untrusted code loads, it:
 *
 * 1. shuts the introspection doors: heap snapshots and V8 flags (`node:v8`),
 *    async hooks that hand out other code's promises, diagnostics channels,
 *    loader hooks (`module.register`), native addons, and `new Worker()` when
 *    workers are not allowed (the inspector and `process.binding` are already
 *    closed by Node's permission model);
 * 2. freezes the language's intrinsics (Object.prototype, Promise, Array,
 *    JSON...), every built-in module's exports with the classes they export
 *    and their prototypes, the global values, and any extra roots (the
 *    modules the trusted code imported);
 * 3. locks every binding of the global object and every method of `process`,
 *    so `globalThis.Promise = ...` or `process.exit = ...` changes nothing.
 *
 * Freezing a prototype breaks `instance.prop = x` where the prototype has a
 * `prop` (the "override mistake"), so such properties become accessors whose
 * setter defines the property on the instance, as SES does. Every property of
 * Node's own classes gets one; of the language's intrinsics only those code
 * is known to assign (SES's "moderate" list, plus all of Object.prototype):
 * an accessor on Array.prototype.map or Map.prototype.set would slow every
 * call, which is what makes Node's own `--frozen-intrinsics` twice as slow on
 * array-heavy code.
 *
 * Instances that Node itself keeps changing (an http Agent's socket tables,
 * the module cache) are left as they are; their classes are frozen.
 */
import { createRequire, syncBuiltinESMExports } from 'node:module';

const require = createRequire(import.meta.url);

export interface HardenOptions {
  /** Whether code may still start worker threads (the permission model may allow them for the trusted code's own use). */
  allowWorkers: boolean;
  /** Globals to define, read-only, before the global object's bindings are locked (e.g. a test API). */
  globals?: Record<string, unknown>;
  /** More objects to freeze deeply: the modules the trusted code imported. */
  roots?: unknown[];
  /**
   * 'all' (default): the language, the built-in modules and the globals.
   * 'language': the language's intrinsics and the global bindings only, for
   * a thread whose trusted code uses nothing else (a test scenario in a worker).
   */
  scope?: 'all' | 'language';
}

/** The built-in modules frozen (those that load without side effects or warnings). */
const BUILTINS = [
  'assert',
  'assert/strict',
  'async_hooks',
  'buffer',
  'child_process',
  'crypto',
  'dgram',
  'diagnostics_channel',
  'dns',
  'dns/promises',
  'events',
  'fs',
  'fs/promises',
  'http',
  'http2',
  'https',
  'net',
  'os',
  'path',
  'perf_hooks',
  'querystring',
  'readline',
  'readline/promises',
  'stream',
  'stream/consumers',
  'stream/promises',
  'stream/web',
  'string_decoder',
  'timers',
  'timers/promises',
  'tls',
  'tty',
  'url',
  'util',
  'util/types',
  'v8',
  'vm',
  'worker_threads',
  'zlib',
];

/** Objects that are instances but hold nothing Node changes later, and that trusted code reads: frozen too. */
const FROZEN_INSTANCES = (): unknown[] => [require('node:perf_hooks').performance, require('node:crypto').webcrypto];

const protoOf = (value: object) => Reflect.getPrototypeOf(value) as object;

/** The language's intrinsics: every global constructor and namespace, and those no global names. */
function intrinsicRoots(): object[] {
  const named = [
    'Object',
    'Function',
    'Array',
    'Boolean',
    'Symbol',
    'Error',
    'AggregateError',
    'EvalError',
    'RangeError',
    'ReferenceError',
    'SyntaxError',
    'TypeError',
    'URIError',
    'Number',
    'BigInt',
    'Math',
    'Date',
    'String',
    'RegExp',
    'Int8Array',
    'Uint8Array',
    'Uint8ClampedArray',
    'Int16Array',
    'Uint16Array',
    'Int32Array',
    'Uint32Array',
    'Float32Array',
    'Float64Array',
    'BigInt64Array',
    'BigUint64Array',
    'Map',
    'Set',
    'WeakMap',
    'WeakSet',
    'ArrayBuffer',
    'SharedArrayBuffer',
    'DataView',
    'Atomics',
    'JSON',
    'WeakRef',
    'FinalizationRegistry',
    'Promise',
    'Reflect',
    'Proxy',
    'Intl',
    'WebAssembly',
    'Iterator',
    'eval',
    'isFinite',
    'isNaN',
    'parseFloat',
    'parseInt',
    'decodeURI',
    'decodeURIComponent',
    'encodeURI',
    'encodeURIComponent',
    'escape',
    'unescape',
  ];
  const anyGlobal = globalThis as unknown as Record<string, object | undefined>;
  const unnamed = [
    protoOf(Uint8Array), // %TypedArray%
    protoOf(protoOf([][Symbol.iterator]())), // %IteratorPrototype%
    protoOf([][Symbol.iterator]()),
    protoOf(''[Symbol.iterator]()),
    protoOf(new Map()[Symbol.iterator]()),
    protoOf(new Set()[Symbol.iterator]()),
    protoOf(/e/[Symbol.matchAll]('')),
    protoOf(function* () {}), // %GeneratorFunction.prototype%
    protoOf(async function* () {}),
    protoOf(async function () {}),
    protoOf(protoOf(protoOf((async function* () {})()))), // %AsyncIteratorPrototype%
    Reflect.getOwnPropertyDescriptor(Function.prototype, 'caller')?.get, // %ThrowTypeError%
  ];
  return [...named.map((name) => anyGlobal[name]), ...unnamed].filter(
    (value): value is object => typeof value === 'object' || typeof value === 'function',
  );
}

/** Intrinsic properties that code assigns on instances (SES's moderate enablements, all of Object.prototype). */
function intrinsicRepairs(): Map<object, Set<PropertyKey> | 'all'> {
  const errors: Array<[object, PropertyKey[]]> = [EvalError, RangeError, ReferenceError, SyntaxError, URIError, AggregateError].map(
    (type) => [type.prototype, ['message', 'name']],
  );
  const iterator = protoOf(protoOf([][Symbol.iterator]()));
  const entries: Array<[object, PropertyKey[] | 'all']> = [
    [Object.prototype, 'all'],
    [Function.prototype, ['toString', 'constructor', 'bind']],
    [Error.prototype, ['name', 'constructor', 'message', 'toString']],
    [TypeError.prototype, ['constructor', 'message', 'name']],
    ...errors,
    [iterator, ['toString', 'constructor', Symbol.toStringTag, Symbol.iterator]],
    [Array.prototype, ['toString', 'push', 'concat', Symbol.iterator]],
    [Promise.prototype, ['constructor']],
    [(protoOf(Uint8Array) as { prototype: object }).prototype, 'all'],
    [protoOf(function* () {}), ['constructor', 'name', 'toString']],
  ];
  return new Map(entries.map(([target, keys]) => [target, keys === 'all' ? 'all' : new Set(keys)]));
}

/** An error like the permission model's own, naming the API. */
function deniedError(api: string): Error {
  const error = new Error(`Access to this API has been restricted (the grader does not allow ${api} in this exercise)`);
  Object.defineProperty(error, 'code', { value: 'ERR_ACCESS_DENIED', enumerable: true });
  return error;
}

function denied(api: string): (...args: unknown[]) => never {
  return () => {
    throw deniedError(api);
  };
}

/** Replaces the doors to other code's memory and hooks with functions that refuse. */
function shutIntrospection(allowWorkers: boolean): void {
  const v8 = require('node:v8') as Record<string, unknown>;
  for (const name of [
    'getHeapSnapshot',
    'writeHeapSnapshot',
    'setFlagsFromString',
    'setHeapSnapshotNearHeapLimit',
    'takeCoverage',
    'stopCoverage',
  ]) {
    if (name in v8) v8[name] = denied(`v8.${name}`);
  }
  const asyncHooks = require('node:async_hooks') as Record<string, unknown>;
  asyncHooks.createHook = denied('async_hooks.createHook');
  asyncHooks.executionAsyncResource = denied('async_hooks.executionAsyncResource');
  // Node publishes on diagnostics channels itself (so channel() stays); subscribing, which hands out
  // other code's requests and sockets, is refused.
  const channels = require('node:diagnostics_channel') as Record<string, unknown> & { channel(name: string): object };
  channels.subscribe = denied('diagnostics_channel.subscribe');
  const channelPrototype = Reflect.getPrototypeOf(channels.channel('course-kit.harden-realm')) as Record<string, unknown>;
  for (const name of ['subscribe', 'bindStore']) {
    if (name in channelPrototype) channelPrototype[name] = denied(`diagnostics_channel ${name}`);
  }
  const moduleApi = require('node:module') as Record<string, unknown>;
  moduleApi.register = denied('module.register');
  const workers = require('node:worker_threads') as Record<string, unknown> & { Worker: unknown };
  (workers.Worker as { prototype: Record<string, unknown> }).prototype.getHeapSnapshot = denied('worker.getHeapSnapshot');
  if (!allowWorkers) {
    workers.Worker = class Worker {
      constructor() {
        throw deniedError('WorkerThreads');
      }
    };
  }
  const processApi = process as unknown as Record<string, unknown>;
  processApi.dlopen = denied('native addons');
  syncBuiltinESMExports();
}

/** Reads every property once, so lazily defined ones (getters that replace themselves) settle before freezing. */
function touch(target: object): void {
  for (const key of Reflect.ownKeys(target)) {
    try {
      void (target as Record<PropertyKey, unknown>)[key];
    } catch {
      // a getter that throws (e.g. a deprecated API): nothing to settle
    }
  }
}

/**
 * Freezes `target` as far as it can be: its properties become fixed and it
 * takes no new ones. The properties in `repair` (all of them, for 'all') of a
 * prototype become accessors whose setter defines the property on the
 * instance instead. A property Node made non-configurable but writable on one
 * of its own prototypes (EventEmitter.prototype's capture flag) stays
 * writable: making it read-only would break every `this.flag = ...` on an
 * instance.
 */
function lock(target: object, repair: Set<PropertyKey> | 'all' | undefined, hostPrototype: boolean): void {
  let keepWritable = false;
  for (const key of Reflect.ownKeys(target)) {
    const descriptor = Reflect.getOwnPropertyDescriptor(target, key)!;
    if (!descriptor.configurable) {
      if (descriptor.writable && hostPrototype) keepWritable = true;
      continue;
    }
    if (!('value' in descriptor) || !(repair === 'all' || repair?.has(key))) continue;
    const value = descriptor.value as unknown;
    Reflect.defineProperty(target, key, {
      get: () => value,
      set(this: object, next: unknown) {
        if (this === target) throw new TypeError(`Cannot assign to read only property '${String(key)}' of a frozen prototype`);
        if (Object.hasOwn(this, key)) (this as Record<PropertyKey, unknown>)[key] = next;
        else Reflect.defineProperty(this, key, { value: next, writable: true, enumerable: true, configurable: true });
      },
      enumerable: descriptor.enumerable,
      configurable: false,
    });
  }
  if (!keepWritable) {
    // Object.freeze keeps V8's fast properties; defining each property read-only one by one
    // turns the object into a dictionary, and every method call on Array.prototype slower.
    Object.freeze(target);
    return;
  }
  for (const key of Reflect.ownKeys(target)) {
    const descriptor = Reflect.getOwnPropertyDescriptor(target, key)!;
    if (descriptor.configurable)
      Reflect.defineProperty(target, key, 'value' in descriptor ? { writable: false, configurable: false } : { configurable: false });
  }
  Object.preventExtensions(target);
}

/**
 * Freezes functions, prototypes and plain data reachable from the roots;
 * instances only through their prototypes. Intrinsic prototypes are repaired
 * as `intrinsicRepairs` says (none but the listed properties); Node's own
 * prototypes entirely.
 */
class Freezer {
  readonly #seen = new WeakSet<object>();
  readonly #skip: WeakSet<object>;
  readonly #instances: WeakSet<object>;
  readonly #intrinsics = new WeakSet<object>();
  readonly #repairs = intrinsicRepairs();

  readonly #hostToo: boolean;

  constructor(skip: object[], instances: object[], hostToo = true) {
    this.#skip = new WeakSet(skip);
    this.#instances = new WeakSet(instances);
    this.#hostToo = hostToo;
    // Which objects are the language's own, so that they keep fast data properties.
    const stack = intrinsicRoots();
    while (stack.length > 0) {
      const value = stack.pop()!;
      if (this.#intrinsics.has(value)) continue;
      this.#intrinsics.add(value);
      for (const key of Reflect.ownKeys(value)) {
        const descriptor = Reflect.getOwnPropertyDescriptor(value, key)!;
        for (const next of 'value' in descriptor ? [descriptor.value] : [descriptor.get, descriptor.set]) {
          if ((typeof next === 'object' && next !== null) || typeof next === 'function') stack.push(next as object);
        }
      }
      const proto = Reflect.getPrototypeOf(value);
      if (proto) stack.push(proto);
    }
  }

  /** Freezes the language's intrinsics first (everything else is built from them). */
  visitIntrinsics(): void {
    for (const root of intrinsicRoots()) this.visit(root);
  }

  visit(value: unknown, asPrototype = false): void {
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return;
    if (this.#seen.has(value) || this.#skip.has(value)) return;
    if (!this.#hostToo && !this.#intrinsics.has(value)) return;
    this.#seen.add(value);
    const proto = Reflect.getPrototypeOf(value);
    // A function reached as another's prototype (class B extends A: A) is still a function: fully frozen.
    const isPrototype = typeof value === 'object' && (asPrototype || Object.hasOwn(value, 'constructor'));
    const isPlain = proto === Object.prototype || proto === null || Array.isArray(value);
    if (typeof value === 'object' && !isPrototype && !isPlain && !this.#instances.has(value) && !this.#intrinsics.has(value)) {
      this.visit(proto, true); // an instance: its class is frozen, not its state
      return;
    }
    const intrinsic = this.#intrinsics.has(value);
    const repair = intrinsic ? this.#repairs.get(value) : isPrototype ? 'all' : undefined;
    if (!Object.isFrozen(value) && !isModuleNamespace(value)) lock(value, repair, isPrototype && !intrinsic);
    for (const key of Reflect.ownKeys(value)) {
      const descriptor = Reflect.getOwnPropertyDescriptor(value, key);
      if (!descriptor) continue;
      if ('value' in descriptor) this.visit(descriptor.value, key === 'prototype');
      else {
        this.visit(descriptor.get);
        this.visit(descriptor.set);
      }
    }
    this.visit(proto, true);
  }
}

function isModuleNamespace(value: object): boolean {
  return Object.prototype.toString.call(value) === '[object Module]';
}

/**
 * Makes every binding of the global object read-only and fixed. A global Node
 * defines lazily (a getter that loads its module on first use, such as
 * `Response` or `crypto`) keeps a getter, which freezes the value the first
 * time it is read, before anyone holds it: loading every web API up front
 * would cost a tenth of a second per test run.
 */
function lockGlobals(extra: Record<string, unknown>, freezer: Freezer): void {
  for (const [name, value] of Object.entries(extra)) {
    Object.defineProperty(globalThis, name, { value, writable: false, enumerable: false, configurable: false });
  }
  for (const key of Reflect.ownKeys(globalThis)) {
    const descriptor = Reflect.getOwnPropertyDescriptor(globalThis, key)!;
    if (!descriptor.configurable) continue;
    if ('value' in descriptor) {
      freezer.visit(descriptor.value);
      Reflect.defineProperty(globalThis, key, { ...descriptor, writable: false, configurable: false });
      continue;
    }
    const load = descriptor.get;
    let settled = false;
    let value: unknown;
    const get = () => {
      if (!settled && load) {
        // Node's lazy getter first tries to replace itself with a plain property, which a fixed
        // binding refuses; its second call returns the value it loaded.
        try {
          value = load.call(globalThis);
        } catch {
          value = load.call(globalThis);
        }
        freezer.visit(value);
        settled = true;
      }
      return value;
    };
    Reflect.defineProperty(globalThis, key, { get, enumerable: descriptor.enumerable, configurable: false });
  }
}

/** Gives `process` (and its standard streams) own, fixed copies of every method, so none can be replaced. */
function lockProcess(): void {
  touch(process);
  const locked = new Set<PropertyKey>();
  for (let target: object | null = process; target && target !== Object.prototype; target = Reflect.getPrototypeOf(target)) {
    for (const key of Reflect.ownKeys(target)) {
      if (locked.has(key)) continue;
      const descriptor = Reflect.getOwnPropertyDescriptor(target, key)!;
      if (!('value' in descriptor) || typeof descriptor.value !== 'function') continue;
      locked.add(key);
      Reflect.defineProperty(process, key, {
        value: descriptor.value,
        writable: false,
        enumerable: descriptor.enumerable,
        configurable: false,
      });
    }
  }
  for (const name of ['stdout', 'stderr', 'stdin'] as const) {
    const stream = process[name] as unknown as Record<string, unknown>;
    for (const method of ['write', 'end', 'destroy']) {
      if (typeof stream[method] === 'function') {
        Reflect.defineProperty(stream, method, { value: stream[method], writable: false, configurable: false });
      }
    }
    const descriptor = Reflect.getOwnPropertyDescriptor(process, name);
    if (descriptor?.configurable) Reflect.defineProperty(process, name, { ...descriptor, configurable: false });
  }
}

export function hardenRealm(options: HardenOptions): void {
  shutIntrospection(options.allowWorkers);
  const moduleApi = require('node:module') as object;
  if (options.scope === 'language') {
    const freezer = new Freezer([globalThis, process, moduleApi], [], false);
    freezer.visitIntrinsics();
    lockGlobals(options.globals ?? {}, freezer);
    return;
  }
  const modules = BUILTINS.map((name) => require(`node:${name}`) as object);
  for (const exports of modules) touch(exports);
  const freezer = new Freezer(
    [globalThis, process, moduleApi],
    FROZEN_INSTANCES().filter((value): value is object => typeof value === 'object' && value !== null),
  );
  freezer.visitIntrinsics();
  for (const exports of modules) freezer.visit(exports);
  for (const root of options.roots ?? []) freezer.visit(root);
  lockModuleLoader(moduleApi as Record<string, unknown>);
  lockGlobals(options.globals ?? {}, freezer);
  lockProcess();
}

/**
 * The CommonJS loader's functions (`Module._load`, `_resolveFilename`...)
 * become read-only, so nothing can reroute a later require; its caches stay
 * writable, since Node fills them.
 */
function lockModuleLoader(Module: Record<string, unknown>): void {
  for (const key of Reflect.ownKeys(Module)) {
    const descriptor = Reflect.getOwnPropertyDescriptor(Module, key)!;
    if ('value' in descriptor && typeof descriptor.value === 'function' && descriptor.configurable) {
      Reflect.defineProperty(Module, key, {
        value: descriptor.value,
        writable: false,
        enumerable: descriptor.enumerable,
        configurable: false,
      });
    }
  }
  const prototype = (Module as { prototype?: object }).prototype;
  if (prototype) lock(prototype, 'all', true);
}
