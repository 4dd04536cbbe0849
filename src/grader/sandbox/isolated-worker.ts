/**
 * The worker testing.ts starts: it takes its private port and the scenario
 * out of `workerData` and clears it, hardens this thread's realm (inside the
 * grader's sandbox), compiles the scenario in strict mode, and only then
 * loads the module under test. The scenario's answer goes back on the
 * private port.
 */
import { existsSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { MessagePort } from 'node:worker_threads';
import { hardenRealm } from '../../engine/harden-realm.js';
import { SANDBOX_MARKER } from './marker.js';

interface Handed {
  port: MessagePort;
  module: string;
  scenario: string;
  data: unknown;
}

const workers = createRequire(import.meta.url)('node:worker_threads') as { workerData: Handed | null };
const { port, module, scenario, data } = workers.workerData!;
workers.workerData = null;
syncBuiltinESMExports();
const reply = port.postMessage.bind(port);
const close = port.close.bind(port);
const body = (0, eval)(`'use strict'; (${scenario})`) as (module: unknown, data: unknown) => unknown;
// The scenario uses the language alone (Atomics, typed arrays...): that, the globals and the doors to the heap are enough here.
if (process.env[SANDBOX_MARKER] !== undefined) hardenRealm({ allowWorkers: false, scope: 'language' });

/**
 * Outside the grader (a student running the visible tests with mocha and tsx)
 * there is no compiled module.js beside the test, only module.ts: this thread
 * then takes tsx's loader too.
 */
async function resolveModule(url: string): Promise<string> {
  if (!url.startsWith('file:') || !url.endsWith('.js') || existsSync(fileURLToPath(url))) return url;
  const typescript = url.replace(/\.js$/, '.ts');
  if (!existsSync(fileURLToPath(typescript))) return url;
  const tsx = 'tsx/esm/api';
  ((await import(tsx)) as { register(): void }).register();
  return typescript;
}

try {
  const loaded = await import(await resolveModule(module));
  reply({ ok: true, result: await body(loaded, data) });
} catch (error) {
  reply({ ok: false, message: String((error as Error)?.stack ?? error) });
}
close();
