import assert from 'node:assert/strict';
import { reviveFunction, shipFunction } from '../../src/engine/shipped-function.cjs';

describe('shipped functions', () => {
  it('round-trips arrow functions, function declarations, async functions and methods', async () => {
    const square = shipFunction((x: number) => x * x, 'task');
    assert.equal(reviveFunction(square)(7), 49);
    function add(a: number, b: number) {
      function inner(v: number) {
        return v;
      }
      return inner(a) + b;
    }
    assert.equal(reviveFunction(shipFunction(add, 'task'))(2, 3), 5);
    const asyncDouble = shipFunction(async (x: number) => x * 2, 'task');
    assert.equal(await reviveFunction(asyncDouble)(21), 42);
    const methods = {
      triple(x: number) {
        return x * 3;
      },
      async half(x: number) {
        return x / 2;
      },
    };
    assert.equal(reviveFunction(shipFunction(methods.triple, 'task'))(3), 9);
    assert.equal(await reviveFunction(shipFunction(methods.half, 'task'))(3), 1.5);
  });

  it('explains a closure over an outer variable', async () => {
    const factor = 10;
    const scaled = reviveFunction(
      shipFunction(function scale(x: number) {
        return x * factor;
      }, 'task'),
    );
    assert.throws(() => scaled(2), /"scale" uses "factor", which is defined outside the function.*Pass factor in as an argument/s);
    const asyncScaled = reviveFunction(shipFunction(async (x: number) => x * factor, 'task'));
    await assert.rejects(Promise.resolve(asyncScaled(2)), /uses "factor"/);
  });

  it('names a notebook variable, which tslab compiles to exports.name, not "exports"', () => {
    const fromNotebook = {
      kind: 'shipped-function' as const,
      name: 'target',
      source: '() => { for (let i = 0; i < 10; i++) exports.contador += 1; }',
    };
    assert.throws(
      () => reviveFunction(fromNotebook)(),
      /"target" uses "contador", which is defined outside the function.*Pass contador in as an argument/s,
    );
  });

  it('rejects what cannot be shipped, naming the parameter', () => {
    assert.throws(() => shipFunction(42, 'task'), /task must be a function, got number 42/);
    assert.throws(() => shipFunction(Math.sqrt, 'task'), /task \(sqrt\) is a built-in or bound function/);
    assert.throws(() => shipFunction(((x: number) => x).bind(null), 'fn'), /fn \(bound \) is a built-in or bound function/);
    assert.throws(() => shipFunction(class Job {}, 'task'), /task \(Job\) is a class/);
  });
});
