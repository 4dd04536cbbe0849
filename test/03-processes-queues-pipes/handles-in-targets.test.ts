/**
 * A Queue or a PipeEnd given to a Thread or a Process (in `args`, or as a field
 * of a class-style `this`) works inside the target as it does in Python; what
 * the target put or sent before returning arrives in full.
 */
import assert from 'node:assert/strict';
import { Thread } from '../../src/01-threads-vs-async/thread.js';
import { Pipe, type PipeEnd } from '../../src/03-processes-queues-pipes/pipe.js';
import { Process } from '../../src/03-processes-queues-pipes/process.js';
import { Queue } from '../../src/03-processes-queues-pipes/queue.js';

describe('queues and pipes given to threads and processes', () => {
  const toDispose: Array<{ dispose(): Promise<void> }> = [];
  afterEach(async () => {
    await Promise.all(toDispose.splice(0).map((item) => item.dispose()));
  });

  it("the seed's producer/consumer: a Process producer and a class-style Process consumer share a Queue", async () => {
    const cola = new Queue<string>();
    toDispose.push(cola);
    const productor = new Process({
      target: async (queue: Queue<string>) => {
        for (let item = 1; item <= 5; item++) await queue.put(`Dato ${item}`);
      },
      args: [cola],
    });
    class ProcesoConsumidor extends Process<string[]> {
      constructor(readonly cola: Queue<string>) {
        super({ silent: true });
      }
      async run(): Promise<string[]> {
        const lines: string[] = [];
        for (let i = 0; i < 5; i++) lines.push(`Proceso Consumidor recibe: ${await this.cola.get()}`);
        return lines;
      }
    }
    const consumidor = new ProcesoConsumidor(cola);
    productor.start();
    consumidor.start();
    await productor.join();
    assert.deepEqual(
      await consumidor.join(),
      [1, 2, 3, 4, 5].map((n) => `Proceso Consumidor recibe: Dato ${n}`),
    );
  });

  for (const Runner of [Thread, Process]) {
    it(`every item a ${Runner.name} put just before returning arrives (10,000 items, batched puts are flushed)`, async () => {
      const queue = new Queue<number>();
      toDispose.push(queue);
      const producer = new Runner({
        target: (q: Queue<number>, count: number) => {
          for (let i = 0; i < count; i++) void q.put(i); // no await: the puts are batched
          return count;
        },
        args: [queue, 10_000],
      });
      producer.start();
      assert.equal(await producer.join(), 10_000);
      const received: number[] = [];
      while (received.length < 10_000) received.push(await queue.get({ timeout: 5000 }));
      assert.deepEqual(
        received,
        Array.from({ length: 10_000 }, (_, i) => i),
      );
      assert.equal(queue.qsize(), 0);
    });
  }

  it("the seed's pipe: a Thread sends, a Process receives until the end of stream", async () => {
    const [sendEnd, receiveEnd] = Pipe<string>();
    toDispose.push(sendEnd, receiveEnd);
    const envio = new Thread({
      target: (canal: PipeEnd<string>) => {
        for (const mensaje of ['Hola', 'Alumnos', 'de', 'P00']) canal.send(mensaje);
      },
      args: [sendEnd],
    });
    const recepcion = new Process({
      target: async (canal: PipeEnd<string>) => {
        const received: string[] = [];
        for await (const mensaje of canal) received.push(`Recibido: ${mensaje}`);
        return received;
      },
      args: [receiveEnd],
    });
    envio.start();
    recepcion.start();
    await envio.join(); // its end is closed when its target returns: the receiver's loop ends after draining
    assert.deepEqual(await recepcion.join(), ['Recibido: Hola', 'Recibido: Alumnos', 'Recibido: de', 'Recibido: P00']);
  });
});
