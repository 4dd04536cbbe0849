/**
 * The frozen realm, checked in a child process (freezing a realm cannot be
 * undone, and this one runs the rest of the tests): what trusted code relies
 * on cannot be patched, and ordinary code (classes, errors, streams, http,
 * workers, fetch) still runs.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { distRoot } from '../../src/paths.js';

const script = `
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { createServer } from 'node:http';
import { Readable, Writable } from 'node:stream';
import v8 from 'node:v8';
import { hardenRealm } from ${JSON.stringify(join(distRoot, 'engine', 'harden-realm.js'))};
hardenRealm({ allowWorkers: true, globals: { describeLike: () => 'ok' } });
const refused = [];
const attempt = (name, patch) => { try { patch(); } catch { refused.push(name); } };
attempt('assert.equal', () => { assert.equal = () => {}; });
attempt('Object.prototype', () => { Object.prototype.then = 1; });
attempt('Array.prototype.push', () => { Array.prototype.push = () => 0; });
attempt('Promise.prototype.then', () => { Promise.prototype.then = () => {}; });
attempt('globalThis.Promise', () => { globalThis.Promise = class {}; });
attempt('globalThis.describeLike', () => { globalThis.describeLike = () => 'patched'; });
attempt('EventEmitter.prototype.emit', () => { EventEmitter.prototype.emit = () => false; });
attempt('EventEmitter.prototype = {}', () => { EventEmitter.prototype = {}; });
attempt('process.exit', () => { process.exit = () => {}; });
attempt('process.getActiveResourcesInfo', () => { process.getActiveResourcesInfo = () => []; });
attempt('v8.getHeapSnapshot', () => v8.getHeapSnapshot());
attempt('v8.setFlagsFromString', () => v8.setFlagsFromString('--allow-natives-syntax'));
attempt('Response.prototype.json', () => { Response.prototype.json = () => 1; });
// Ordinary code still runs.
class Timeout extends Error { constructor() { super('late'); this.name = 'Timeout'; } }
assert.equal(String(new Timeout()), 'Timeout: late');
function Old() { this.constructor = Old; this.toString = () => 'own'; }
assert.equal(String(new Old()), 'own');
const emitter = new EventEmitter(); let heard = 0; emitter.on('x', () => heard++); emitter.emit('x'); assert.equal(heard, 1);
const chunks = []; await new Promise((resolve) => Readable.from(['a', 'b']).pipe(new Writable({ write(chunk, _e, done) { chunks.push(String(chunk)); done(); } })).on('finish', resolve));
assert.deepEqual(chunks, ['a', 'b']);
const server = createServer((_q, r) => r.end('hi')).listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
assert.equal(await (await fetch('http://127.0.0.1:' + server.address().port)).text(), 'hi');
server.close();
process.stdout.write(JSON.stringify(refused));
`;

describe('engine: the frozen realm', () => {
  it('refuses every patch a verdict could rest on, and leaves ordinary code working', function () {
    this.timeout(30_000);
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 25_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), [
      'assert.equal',
      'Object.prototype',
      'Array.prototype.push',
      'Promise.prototype.then',
      'globalThis.Promise',
      'globalThis.describeLike',
      'EventEmitter.prototype.emit',
      'EventEmitter.prototype = {}',
      'process.exit',
      'process.getActiveResourcesInfo',
      'v8.getHeapSnapshot',
      'v8.setFlagsFromString',
      'Response.prototype.json',
    ]);
  });
});
