import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compiledEntry } from '../../src/paths.js';
import { RedisConnectError, type RunningRedis } from '../../src/engine/redis/index.js';
import { Client, CompositeError, EngineError, startCluster } from '../../src/10-beyond-one-machine/index.js';
import { launchCluster } from '../../src/10-beyond-one-machine/launch.js';
import { envWithoutMarker, startTestRedis } from '../harness/test-redis.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// Names the engines define at run time (execute, push), seen by functions applied there.
declare const engine: { id: number };
declare const a: number;

describe('10 cluster: direct view and load-balanced view', function () {
  this.timeout(60_000);
  let redis: RunningRedis;
  let rc: Client;

  before(async () => {
    redis = await startTestRedis();
    rc = await startCluster({ url: redis.url, engines: 3, env: envWithoutMarker() });
    // Open every queue's connections now, so no test sees them appear as its own leftovers.
    await rc.directView('all').execute('0').get(20_000);
    await rc
      .loadBalancedView()
      .apply(() => 0)
      .get(20_000);
  });
  after(async () => {
    await rc?.stop();
    await redis?.stop();
  });

  it('lists the live engines, sorted, with their host and pid', () => {
    assert.deepEqual(rc.ids, [0, 1, 2]);
    assert.equal(new Set(rc.engines.map((info) => info.pid)).size, 3);
    for (const info of rc.engines) assert.ok(info.host.length > 0);
  });

  it('keeps a separate namespace on each engine: execute, push, pull', async () => {
    const dview = rc.directView('all');
    await dview.execute('a = 1').get(10_000);
    assert.deepEqual(await dview.pull('a').get(10_000), [1, 1, 1]);
    await rc
      .engine(1)
      .push({ a: 2, b: new Map([['x', 1]]) })
      .get(10_000);
    assert.deepEqual(await dview.pull('a').get(10_000), [1, 2, 1]);
    assert.equal(await rc.engine(1).pull('a').get(10_000), 2);
    assert.deepEqual(await rc.engine(1).pull(['a', 'b']).get(10_000), [2, new Map([['x', 1]])]);
  });

  it("pull of a name never pushed fails with that engine's NameError, naming the engine and the name", async () => {
    const error = await rc
      .engine(2)
      .pull('neverPushed')
      .get(10_000)
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    assert.ok(error instanceof EngineError, `expected an EngineError, got ${String(error)}`);
    assert.equal(error.name, 'NameError');
    assert.equal(error.engine, 2);
    assert.match(error.message, /engine 2\b.*"neverPushed"/);

    const all = await rc
      .directView('all')
      .pull('neverPushed')
      .get(10_000)
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    assert.ok(all instanceof CompositeError);
    assert.deepEqual(
      all.errors.map((each) => each.engine),
      [0, 1, 2],
    );
  });

  it('apply on the direct view returns one result per engine, in the order of the ids', async () => {
    await rc.directView('all').push({ a: 5 }).get(10_000);
    const result = rc.directView('all').apply((x: number) => a * x + engine.id, 10);
    assert.deepEqual(await result.get(10_000), [50, 51, 52]);
    assert.deepEqual(await result.engines(), [0, 1, 2]);
    assert.equal(result.successful(), true);
  });

  it('load-balanced map returns results in the order of the items, spread over engines', async () => {
    const items = [120, 100, 80, 60, 40, 20, 0, 10, 30];
    const result = rc.loadBalancedView().map(async (ms: number) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return ms * 2;
    }, items);
    assert.deepEqual(
      await result.get(20_000),
      items.map((ms) => ms * 2),
    );
    assert.ok(new Set(await result.engines()).size > 1, 'one engine ran every task');
    assert.equal(await result.resubmitted(), 0);
    const streamed: number[] = [];
    for await (const value of rc.loadBalancedView().imap((x: number) => x + 1, [1, 2, 3])) streamed.push(value);
    assert.deepEqual(streamed, [2, 3, 4]);
  });

  it('retries a task that throws, on request, and counts it', async () => {
    // Fails on its first attempt only: the flag lives in the namespace of the engine that ran it.
    const flaky = () => {
      const scope = globalThis as { tried?: boolean };
      if (!scope.tried) {
        scope.tried = true;
        throw new Error('first attempt fails');
      }
      return 'ok';
    };
    const retried = rc.loadBalancedView({ retries: 3 }).apply(flaky);
    assert.equal(await retried.get(20_000), 'ok');
    assert.ok((await retried.resubmitted()) >= 1);
    const failed = rc.loadBalancedView().apply(() => {
      throw new RangeError('always');
    });
    await assert.rejects(failed.get(10_000), (error: unknown) => error instanceof EngineError && error.name === 'RangeError');
  });

  it('refuses a function that cannot be sent, before sending anything', () => {
    assert.throws(() => rc.loadBalancedView().apply(Math.max, 1), /built-in or bound function/);
    assert.throws(() => rc.engine(7), /no engine 7/);
  });
});

describe('10 cluster: faults', function () {
  this.timeout(60_000);

  it('an engine killed mid-task: the task finishes on another engine, counted as resubmitted', async () => {
    const cluster = await launchCluster({ engines: 2 });
    const rc = await Client.connect({ url: cluster.url });
    try {
      // Each engine tells the test (over its IPC channel) when it starts the task.
      const started = new Promise<number>((resolve) => {
        for (const { child } of cluster.engines)
          child.once('message', (message: { started?: number }) => message.started && resolve(message.started));
      });
      const result = rc.loadBalancedView().apply(async () => {
        process.send?.({ started: process.pid });
        await new Promise((resolve) => setTimeout(resolve, 500));
        return process.pid;
      });
      const victim = await started;
      process.kill(victim, 'SIGKILL');
      const killedAt = Date.now();
      const finishedOn = await result.get(30_000);
      const recoveryMs = Date.now() - killedAt;
      assert.notEqual(finishedOn, victim);
      assert.ok((await result.resubmitted()) >= 1, 'the resubmission was not counted');
      console.log(`      (killed engine's task finished elsewhere ${recoveryMs} ms after the kill)`);
    } finally {
      await rc.close();
      await cluster.stop();
    }
  });

  it('client stop ends its engines and its Redis', async () => {
    const rc = await startCluster({ engines: 2 });
    const pids = rc.engines.map((info) => info.pid);
    assert.equal(pids.length, 2);
    await rc.stop();
    assert.deepEqual(
      pids.filter((pid) => alive(pid)),
      [],
    );
    // The no-leftovers harness fails this test if the Redis (or anything else) is still running.
  });

  it('a client killed outright: its engines end within 5 s (and its Redis, by its keeper)', async () => {
    const script = [
      `import { startCluster } from ${JSON.stringify(pathToFileURL(compiledEntry('10-beyond-one-machine/index.ts')).href)};`,
      'const rc = await startCluster({ engines: 2 });',
      'console.log(JSON.stringify(rc.engines.map((info) => info.pid)));',
      'setInterval(() => {}, 1000);',
    ].join('\n');
    const file = join(mkdtempSync(join(tmpdir(), 'cluster-client-')), 'client.mjs');
    writeFileSync(file, script);
    const client = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((resolve) => client.once('exit', resolve));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        client.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString()));
        client.once('exit', () => reject(new Error('the client script ended before starting its cluster')));
      });
      const pids = JSON.parse(line) as number[];
      assert.equal(pids.length, 2);
      client.kill('SIGKILL');
      const killedAt = Date.now();
      while (pids.some(alive) && Date.now() - killedAt < 5000) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(pids.filter(alive), [], 'engines outlived their client by 5 s');
    } finally {
      client.kill('SIGKILL');
      await exited;
      rmSync(dirname(file), { recursive: true, force: true });
    }
  });

  it('an unreachable Redis gives a clear error within 5 s', async () => {
    const startedAt = Date.now();
    await assert.rejects(Client.connect({ url: 'redis://127.0.0.1:1' }), (error: unknown) => {
      assert.ok(error instanceof RedisConnectError);
      assert.match(error.message, /127\.0\.0\.1:1/);
      return true;
    });
    assert.ok(Date.now() - startedAt < 5000);
  });

  it('without a running cluster, connect says how to start one', async () => {
    await assert.rejects(Client.connect({ connectionFile: '/nonexistent/cluster.json' }), /npm run cluster -- start/);
  });
});

describe('10 cluster: npm run cluster / engine', function () {
  this.timeout(60_000);
  const folder = mkdtempSync(join(tmpdir(), 'cluster-cli-test-'));
  const env: NodeJS.ProcessEnv = { ...process.env, COURSE_KIT_CLUSTER_FILE: join(folder, 'cluster.json') };
  delete env.REDIS_URL;
  const run = (program: string, ...args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [compiledEntry(`10-beyond-one-machine/${program}.ts`), ...args],
        { env, timeout: 40_000 },
        (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
      );
    });
  after(() => rmSync(folder, { recursive: true, force: true }));

  it('start, status, stop: a round trip that leaves nothing behind', async () => {
    const started = await run('cluster-cli', 'start', '-n', '2');
    assert.equal(started.code, 0, started.stderr);
    assert.match(started.stdout, /cluster started: 2 engines \(ids 0, 1\), Redis at redis:\/\/127\.0\.0\.1:\d+/);
    const file = JSON.parse(readFileSync(env.COURSE_KIT_CLUSTER_FILE!, 'utf8')) as { controllerPid: number; enginePids: number[] };
    try {
      const rc = await Client.connect({ connectionFile: env.COURSE_KIT_CLUSTER_FILE });
      try {
        assert.deepEqual(rc.ids, [0, 1]);
        assert.deepEqual(
          await rc
            .directView('all')
            .apply(() => 6 * 7)
            .get(10_000),
          [42, 42],
        );
      } finally {
        await rc.close();
      }
      const status = await run('cluster-cli', 'status');
      assert.equal(status.code, 0);
      assert.match(status.stdout, /2 engines alive/);
      assert.equal(status.stdout.match(/^ {2}engine \d/gm)?.length, 2);
    } finally {
      const stopped = await run('cluster-cli', 'stop');
      assert.equal(stopped.code, 0, stopped.stderr);
      assert.match(stopped.stdout, /cluster stopped \(2 engines and its Redis\)/);
    }
    assert.deepEqual([file.controllerPid, ...file.enginePids].filter(alive), []);
    assert.equal(existsSync(env.COURSE_KIT_CLUSTER_FILE!), false);
  });

  it('stop with nothing running says so, exit code 0', async () => {
    const stopped = await run('cluster-cli', 'stop');
    assert.equal(stopped.code, 0);
    assert.match(stopped.stdout, /no cluster is running/);
  });

  it('bad input: one line naming the parameter, exit code 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['start', '-n', '0'], /-n \(engines\) must be a whole number above 0/],
      [['start', '--listen', '0.0.0.0'], /--listen 0\.0\.0\.0 needs --password: engines run whatever code a client sends/],
      [['launch'], /the command must be one of start, status, stop, got "launch"/],
      [['start', '--redis', 'localhost:6379'], /--redis must look like redis:\/\/host:port/],
      [['start', '--bogus'], /unknown option --bogus/],
    ];
    for (const [args, expected] of cases) {
      const result = await run('cluster-cli', ...args);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, expected);
      assert.equal(result.stderr.trim().split('\n').length, 1);
    }
    const engine = await run('engine-cli', '--password', 'x');
    assert.equal(engine.code, 2);
    assert.match(engine.stderr, /--redis is needed/);
  });

  it('an engine pointed at an unreachable Redis says so within 5 s, exit code 1', async () => {
    const startedAt = Date.now();
    const result = await run('engine-cli', '--redis', 'redis://127.0.0.1:1');
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^engine: nothing answers at redis:\/\/127\.0\.0\.1:1/);
    assert.ok(Date.now() - startedAt < 5000);
  });
});
