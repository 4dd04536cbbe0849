/**
 * Unit 01, threads vs async: Python's `threading.Thread` on a Node worker
 * thread, and the tools that show what the event loop does meanwhile.
 */
export { Thread, type ThreadOptions } from './thread.js';
export { JoinTimeoutError, EndedEarlyError, type ModuleTarget, type Target } from '../runtime/lifecycle.js';
