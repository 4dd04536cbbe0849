/**
 * The course kit's library, as notebooks import it: `import { ... } from 'course-kit'`.
 * Each unit's part lives in its own folder under src/ (named like the unit's
 * notebook); this file only gathers them.
 */
export { kitRoot } from './paths.js';
export * from './notebook/index.js';
export * from './01-threads-vs-async/index.js';
export * from './02-event-loop-and-channels/index.js';
export * from './03-processes-queues-pipes/index.js';
export * from './04-pools/index.js';
export * from './05-races-and-locks/index.js';
export * from './06-daemons/index.js';
export * from './07-deadlock-and-starvation/index.js';
export * from './08-penguin-race/index.js';
export * from './09-system-monitor/index.js';
export * from './10-beyond-one-machine/index.js';
export { check, type CheckResult, type CheckOptions } from './grader/check.js';
