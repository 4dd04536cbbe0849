import assert from 'node:assert/strict';
import { Thread } from '../../src/01-threads-vs-async/thread.js';
import { Lock } from '../../src/05-races-and-locks/shared-lock.js';
import { Semaphore } from '../../src/05-races-and-locks/semaphore.js';

describe('locks given to a Thread work inside the target, as in Python', () => {
  it("the seed's counter fixed with a Lock: 4 threads x 50,000 increments under the lock, nothing lost", async () => {
    const lock = new Lock();
    const counter = new Int32Array(new SharedArrayBuffer(4));
    const add = (l: Lock, cells: Int32Array, times: number) => {
      for (let i = 0; i < times; i++) {
        l.acquire();
        // A plain read-modify-write: only the lock keeps it whole.
        const value = Atomics.load(cells, 0);
        Atomics.store(cells, 0, value + 1);
        l.release();
      }
    };
    const threads = [0, 1, 2, 3].map(() => new Thread({ target: add, args: [lock, counter, 50_000] }));
    for (const thread of threads) thread.start();
    await Promise.all(threads.map((thread) => thread.join(30_000)));
    assert.equal(counter[0], 200_000);
    assert.equal(lock.locked, false, 'every acquire was released');
  });

  it('class style: a Lock and a Semaphore in fields arrive working', async () => {
    class Worker extends Thread<string> {
      lock = new Lock();
      slots = new Semaphore(2);
      run() {
        this.slots.acquire();
        const got = this.lock.tryAcquire();
        this.lock.release();
        this.slots.release();
        return `${typeof this.lock.acquire} ${got}`;
      }
    }
    const worker = new Worker();
    worker.start();
    assert.equal(await worker.join(10_000), 'function true');
  });
});
