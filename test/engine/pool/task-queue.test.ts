import assert from 'node:assert/strict';
import { TaskQueue } from '../../../src/engine/pool/task-queue.js';

describe('TaskQueue (bounded, with back-pressure)', () => {
  it('is first in, first out; unshift puts an item first', () => {
    const queue = new TaskQueue<number>();
    for (let i = 0; i < 3000; i++) assert.equal(queue.enqueue(i), undefined);
    const out: number[] = [];
    for (let i = 0; i < 2000; i++) out.push(queue.shift() as number);
    queue.unshift(-1);
    assert.equal(queue.peek(), -1);
    while (queue.length > 0) out.push(queue.shift() as number);
    assert.deepEqual(out, [...Array.from({ length: 2000 }, (_, i) => i), -1, ...Array.from({ length: 1000 }, (_, i) => 2000 + i)]);
    assert.equal(queue.shift(), undefined);
  });

  it('when full, enqueue returns a promise; the item moves in, in order, as room is made', async () => {
    const queue = new TaskQueue<string>(2);
    assert.equal(queue.enqueue('a'), undefined);
    assert.equal(queue.enqueue('b'), undefined);
    const order: string[] = [];
    const c = queue.enqueue('c')?.then(() => order.push('c'));
    const d = queue.enqueue('d')?.then(() => order.push('d'));
    assert.ok(c && d, 'a full queue must make the producer wait');
    assert.equal(queue.length, 2);
    assert.equal(queue.waiting, 2);
    assert.equal(queue.shift(), 'a');
    await c;
    assert.deepEqual(order, ['c']);
    assert.equal(queue.length, 2);
    assert.equal(queue.shift(), 'b');
    assert.equal(queue.shift(), 'c');
    await d;
    assert.equal(queue.shift(), 'd');
    assert.deepEqual(order, ['c', 'd']);
  });

  it('removeWhere drops matching items (queued or waiting) and lets waiting producers go on', async () => {
    const queue = new TaskQueue<number>(2);
    queue.enqueue(1);
    queue.enqueue(2);
    const waiting3 = queue.enqueue(3);
    const waiting4 = queue.enqueue(4);
    assert.deepEqual(
      queue.removeWhere((n) => n % 2 === 1),
      [1, 3],
    );
    await waiting3; // resolved: its item was dropped
    await waiting4; // resolved: room was made for it
    assert.deepEqual([queue.shift(), queue.shift(), queue.shift()], [2, 4, undefined]);
  });

  it('clear rejects every waiting producer and returns all items', async () => {
    const queue = new TaskQueue<number>(1);
    queue.enqueue(1);
    const waiting = queue.enqueue(2);
    assert.deepEqual(queue.clear(new Error('pool terminated')), [1, 2]);
    await assert.rejects(waiting as Promise<void>, /pool terminated/);
    assert.equal(queue.length, 0);
  });
});
