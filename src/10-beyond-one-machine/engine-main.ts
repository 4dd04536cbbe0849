/**
 * The program a client (startCluster) or `npm run cluster -- start` forks for
 * each engine. Options arrive as JSON in argv[2], the password in the
 * COURSE_KIT_REDIS_PASSWORD environment variable (never on the command line,
 * where `ps` would show it). It reports `{ ready, id }` on the IPC channel, and
 * ends when that channel closes: an engine never outlives the program that
 * started it.
 */
import { serveEngine, type EngineOptions } from './engine.js';

const options = JSON.parse(process.argv[2] ?? '{}') as EngineOptions;
const password = process.env.COURSE_KIT_REDIS_PASSWORD || undefined;

let code = 1;
try {
  code = await serveEngine({ ...options, password }, (engine) => {
    process.send?.({ ready: true, id: engine.info.id });
  });
} catch (error) {
  const message = (error as Error).message;
  if (process.connected) await new Promise((resolve) => process.send!({ error: message }, undefined, {}, resolve));
  else console.error(`engine: ${message}`);
}
// Whatever is still open (a Redis socket closing), the engine is done.
process.exit(code);
