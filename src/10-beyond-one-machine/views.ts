/**
 * The two ways to use a cluster, as in IPython parallel (seed 004):
 *
 * - A direct view talks to chosen engines, each one explicitly:
 *   `execute('a = 1')`, `push({ a: 2 })`, `pull('a')`, `apply(fn, ...args)` run on
 *   every engine of the view, and get() gives one result per engine (for a view
 *   of one engine, `rc.engine(0)`, just that engine's result).
 * - A load-balanced view hands each task to whichever engine is free, and
 *   resubmits a task whose engine died: less control, better throughput.
 *
 * Every call returns a ClusterResult at once; the work goes on in the cluster.
 * Functions travel as source text, as the Pool sends them to its workers, so
 * they cannot use variables from around them: pass them as arguments, or push
 * them to the engines (a function applied on an engine sees its namespace).
 */
import { shipFunction } from '../engine/shipped-function.cjs';
import { checkCount, checkIterable } from '../engine/validate.js';
import { ClusterResult, type EngineOutcome } from './cluster-result.js';
import { checkName, encode, type BalancedJob, type DirectJob, type FunctionText } from './protocol.js';

/** What the views need from a connected client (client.ts). */
export interface Submitter {
  direct(engine: number, job: DirectJob): Promise<EngineOutcome>;
  balanced(jobs: readonly BalancedJob[], retries: number): Array<Promise<EngineOutcome>>;
}

function ship(fn: unknown, parameterName: string): FunctionText {
  const { source, name } = shipFunction(fn, parameterName);
  return { source, name };
}

export class DirectView {
  /** The engine ids this view talks to. */
  readonly targets: readonly number[];

  /** `single`: a view of one engine, whose results are not wrapped in a list. */
  constructor(
    private readonly submit: Submitter,
    targets: readonly number[],
    private readonly single = false,
  ) {
    if (targets.length === 0) throw new Error('this view has no engines: start some (npm run cluster -- start -n 4)');
    this.targets = [...targets];
  }

  /** Runs `code` on each engine (e.g. 'a = 1'); it defines variables in that engine's namespace. */
  execute(code: string): ClusterResult<unknown> {
    if (typeof code !== 'string') throw new TypeError(`execute needs code as a string, got ${typeof code}`);
    return this.#run({ op: 'execute', code }, () => undefined, `execute(${JSON.stringify(code)})`);
  }

  /** Sets variables on each engine: push({ a: 2 }). */
  push(values: Record<string, unknown>): ClusterResult<unknown> {
    if (typeof values !== 'object' || values === null) throw new TypeError('push needs an object such as { a: 2 }');
    Object.keys(values).forEach((name) => checkName(name, 'a pushed name'));
    const encoded = encode(values, 'A pushed value');
    return this.#run({ op: 'push', encoded }, () => undefined, `push(${Object.keys(values).join(', ')})`);
  }

  /** A variable from each engine: pull('a'); or several: pull(['a', 'b']). */
  pull(names: string | readonly string[]): ClusterResult<unknown> {
    const list = typeof names === 'string' ? [names] : [...names];
    list.forEach((name) => checkName(name, 'pull'));
    const pick = typeof names === 'string' ? (values: unknown) => (values as unknown[])[0] : (values: unknown) => values;
    return this.#run({ op: 'pull', names: list }, pick, `pull(${list.join(', ')})`);
  }

  /** Calls `fn(...args)` on each engine. */
  apply<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): ClusterResult<unknown> {
    const shipped = ship(fn, 'fn');
    const encoded = encode(args, `The arguments of ${shipped.name}`);
    return this.#run({ op: 'apply', fn: shipped, encoded }, (value) => value, `apply(${shipped.name})`);
  }

  #run(job: DirectJob, pick: (value: unknown) => unknown, what: string): ClusterResult<unknown> {
    const parts = this.targets.map((engine) => this.submit.direct(engine, job));
    const combine = (values: unknown[]) => (this.single ? pick(values[0]) : values.map(pick));
    return new ClusterResult(parts, combine, `${what} on engines [${this.targets.join(', ')}]`);
  }
}

export interface LoadBalancedOptions {
  /** How many more times a task that throws is tried, on any engine (default 0). Tasks whose engine died are resubmitted regardless. */
  retries?: number;
}

export class LoadBalancedView {
  readonly retries: number;

  constructor(
    private readonly submit: Submitter,
    options: LoadBalancedOptions = {},
  ) {
    this.retries = checkCount(options.retries ?? 0, 'retries');
  }

  /** `fn(...args)` on whichever engine is free. */
  apply<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): ClusterResult<Awaited<R>> {
    const shipped = ship(fn, 'fn');
    const [part] = this.submit.balanced(
      [{ fn: shipped, encoded: encode(args, `The arguments of ${shipped.name}`), index: 0 }],
      this.retries,
    );
    return new ClusterResult([part], (values) => values[0] as Awaited<R>, `apply(${shipped.name})`);
  }

  /** `fn(item)` for every item, spread over the engines; get() gives the results in the items' order. */
  map<T, R>(fn: (item: T) => R, items: Iterable<T>): ClusterResult<Array<Awaited<R>>> {
    const parts = this.#submitAll(fn, items);
    return new ClusterResult(parts, (values) => values as Array<Awaited<R>>, `map(${fn.name || 'anonymous'})`);
  }

  /** Like map, but yields each result, in order, as soon as it and those before it are done. */
  async *imap<T, R>(fn: (item: T) => R, items: Iterable<T>): AsyncGenerator<Awaited<R>> {
    const parts = this.#submitAll(fn, items);
    for (const part of parts) {
      const outcome = await part;
      if (!outcome.ok) throw outcome.error;
      yield outcome.value as Awaited<R>;
    }
  }

  #submitAll<T, R>(fn: (item: T) => R, items: Iterable<T>): Array<Promise<EngineOutcome>> {
    const shipped = ship(fn, 'fn');
    const jobs = [...checkIterable(items, 'items')].map((item, index) => ({
      fn: shipped,
      encoded: encode([item], `Item ${index} of the map`),
      index,
    }));
    return this.submit.balanced(jobs, this.retries);
  }
}
