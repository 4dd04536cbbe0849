/** Unit 05's async race: check-then-act across awaits overdraws an account on one thread; AsyncLock fixes it. */
import assert from 'node:assert/strict';
import { renderChartPng } from '../../../src/notebook/charts.js';
import { asyncRaceChart, compareAsyncRace, runAsyncRace } from '../../../src/05-races-and-locks/labs/async-race.js';

describe('async race (bank account)', () => {
  it('unsafe: every withdrawal passes its check before any debits, and the account ends at -40', async () => {
    const result = await runAsyncRace();
    assert.equal(result.version, 'unsafe');
    assert.equal(result.startBalance, 100);
    assert.equal(result.finalBalance, -40);
    assert.equal(result.paidOut, 140);
    assert.equal(result.overdrawn, true);
    assert.deepEqual(
      result.withdrawals.map((entry) => [entry.amount, entry.outcome, entry.balanceSeen]),
      [
        [60, 'paid', 100],
        [50, 'paid', 100],
        [30, 'paid', 100],
      ],
    );
    assert.deepEqual(
      result.log.map((entry) => `${entry.withdrawal} ${entry.event} ${entry.balance}`),
      ['1 read 100', '2 read 100', '3 read 100', '1 check 100', '2 check 100', '3 check 100', '1 debit 40', '2 debit -10', '3 debit -40'],
    );
    assert.deepEqual(
      result.log.map((entry) => entry.step),
      [1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
    assert.match(result.log[7].text, /withdrawal 2 debits 50: balance 40 -> -10/);
  });

  it('locked: each check and its act run together; the second withdrawal is refused; never below zero', async () => {
    const result = await runAsyncRace({ version: 'locked' });
    assert.equal(result.finalBalance, 10);
    assert.equal(result.paidOut, 90);
    assert.equal(result.overdrawn, false);
    assert.deepEqual(
      result.log.map((entry) => `${entry.withdrawal} ${entry.event} ${entry.balance}`),
      ['1 read 100', '1 check 100', '1 debit 40', '2 read 40', '2 refuse 40', '3 read 40', '3 check 40', '3 debit 10'],
    );
    assert.deepEqual(
      result.withdrawals.map((entry) => entry.outcome),
      ['paid', 'refused', 'paid'],
    );
  });

  it('is deterministic: the same log every time, for other amounts too', async () => {
    const options = { balance: 50, withdrawals: [20, 20, 20, 20], delayMs: 1 };
    const first = await compareAsyncRace(options);
    const second = await compareAsyncRace(options);
    assert.deepEqual(first, second);
    assert.equal(first.unsafe.finalBalance, -30);
    assert.equal(first.locked.finalBalance, 10);
    assert.deepEqual(
      first.locked.withdrawals.map((entry) => entry.outcome),
      ['paid', 'paid', 'refused', 'refused'],
    );
  });

  it('the chart shows the balance after each event, for both versions, and renders', async () => {
    const both = await compareAsyncRace();
    const chart = asyncRaceChart(both);
    assert.deepEqual(chart.data.datasets[0].data, [100, 100, 100, 100, 100, 100, 100, 40, -10, -40]);
    assert.deepEqual(chart.data.datasets[1].data, [100, 100, 100, 40, 40, 40, 40, 40, 10]);
    assert.equal(chart.data.labels?.length, 10);
    const png = renderChartPng(chart, { width: 400, height: 250, scale: 1 });
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
    assert.equal(asyncRaceChart(both.unsafe).data.datasets.length, 2);
  });

  it('names bad inputs', async () => {
    await assert.rejects(runAsyncRace({ version: 'safe' as never }), /version must be one of 'unsafe', 'locked', got "safe"/);
    await assert.rejects(runAsyncRace({ balance: -1 }), /balance must be an integer >= 0, got -1/);
    await assert.rejects(runAsyncRace({ withdrawals: [] }), /withdrawals must be a non-empty array of amounts/);
    await assert.rejects(runAsyncRace({ withdrawals: [10, 0] }), /withdrawals\[1\] must be a positive integer, got 0/);
    await assert.rejects(runAsyncRace({ delayMs: 0 }), /delayMs must be a positive integer, got 0/);
    assert.throws(() => asyncRaceChart([] as never), /results must be what runAsyncRace\(\) or compareAsyncRace\(\) resolved to/);
  });
});
