import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { startRace } from '../../src/08-penguin-race/race.js';
import { assertRaceKeptTheRules, progressWatcher, raceSurvivesAKilledActor, remoteRuntimeTests, smallRace } from './race-helpers.js';

/** Sends `lines` on a new connection and collects what comes back until the server closes it or `count` lines arrived. */
async function talk(
  port: number,
  lines: string[],
  count: number,
): Promise<{ replies: Array<{ type: string; message?: string }>; closed: boolean }> {
  const socket: Socket = connect({ host: '127.0.0.1', port });
  try {
    let text = '';
    let closed = false;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only got: ${text}`)), 5000);
      const check = () => {
        if (closed || text.split('\n').filter(Boolean).length >= count) {
          clearTimeout(timer);
          resolve();
        }
      };
      socket.on('connect', () => socket.write(lines.join('')));
      socket.on('data', (chunk) => {
        text += chunk.toString();
        check();
      });
      socket.on('close', () => {
        closed = true;
        check();
      });
      socket.on('error', () => undefined);
    });
    return {
      replies: text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line)),
      closed,
    };
  } finally {
    socket.destroy();
  }
}

describe('08 penguin race: the net runtime (TCP server, client processes)', function () {
  this.timeout(20_000);

  remoteRuntimeTests('net', 2);

  it('a client that disconnects mid-race is noticed: its penguin is retired and the race goes on', async () => {
    await raceSurvivesAKilledActor('net');
  });

  it('answers garbage with errors, never letting it change the race', async () => {
    const watcher = progressWatcher(5);
    const race = startRace({
      ...smallRace('net', 3, 'real', { length: 40, thinkMs: [1, 3], flyIntervalMs: [1, 3] }),
      onFrame: watcher.onFrame,
      frameMs: 5,
    });
    try {
      const { address } = await race.ready;
      await watcher.progress;
      const garbage = [
        'this is not json\n',
        '{"type":"move","seq":1,"penguin":0,"from":0,"step":1}\n',
        '{"type":"hello","role":"penguin","id":99}\n',
        '{"type":"hello","role":"penguin","id":0}\n',
        '[1,2,3]\n',
      ];
      const { replies } = await talk(address!.port, garbage, garbage.length);
      assert.equal(replies.length, 5);
      assert.ok(
        replies.every((reply) => reply.type === 'error'),
        JSON.stringify(replies),
      );
      assert.match(replies[0].message!, /not JSON/);
      assert.match(replies[1].message!, /hello/);
      assert.match(replies[2].message!, /no penguin 99/);
      assert.match(replies[3].message!, /penguin 0 is already connected/);
      const flood = await talk(address!.port, ['x'.repeat(70 * 1024)], 1);
      assert.match(flood.replies[0]?.message ?? '', /line too long/);
    } finally {
      race.stop();
    }
    const result = await race.result;
    assert.ok(result.messages.errors >= 6);
    assert.ok(
      result.penguins.every((p) => p.retired === undefined),
      'no real client was disturbed',
    );
    assertRaceKeptTheRules(result);
  });
});
