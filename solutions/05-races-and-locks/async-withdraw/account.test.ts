/**
 * Tests of the account under concurrent async operations. The test ledger
 * takes a random number of event-loop turns to record each entry, so the
 * operations interleave at their awaits, the way real I/O makes them.
 */
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { withTimeout } from 'course-kit/01-threads-vs-async/async-tools';
import { mulberry32 } from 'course-kit/engine/mulberry32';
import { Account, InsufficientFundsError, type Ledger, type LedgerEntry } from './account.js';

/** A ledger that takes 1..5 event-loop turns per entry and keeps what it recorded. */
class SlowLedger implements Ledger {
  readonly entries: LedgerEntry[] = [];
  readonly #next: () => number;
  /** Entries for which record() rejects instead. */
  failWhen: (entry: LedgerEntry) => boolean = () => false;

  constructor(seed = 1) {
    this.#next = mulberry32(seed);
  }

  async record(entry: LedgerEntry): Promise<void> {
    const turns = 1 + Math.floor(this.#next() * 5);
    for (let i = 0; i < turns; i++) await nextTurn();
    if (this.failWhen(entry)) throw new Error('ledger unavailable');
    this.entries.push({ ...entry });
  }
}

describe('async-withdraw', () => {
  it('withdraw and deposit change the balance; too large a withdrawal rejects and records nothing [1 pts]', async () => {
    const ledger = new SlowLedger();
    const account = new Account('alice', 100, ledger);
    assert.equal(await account.withdraw(30), 70);
    assert.equal(await account.deposit(5), 75);
    await assert.rejects(account.withdraw(80), InsufficientFundsError);
    assert.equal(account.balance, 75);
    assert.deepEqual(ledger.entries, [
      { account: 'alice', kind: 'withdraw', amount: 30, balanceAfter: 70 },
      { account: 'alice', kind: 'deposit', amount: 5, balanceAfter: 75 },
    ]);
  });

  it('ten concurrent withdrawals of 30 from 100: exactly three succeed, the balance never goes below 0 [3 pts]', async () => {
    const ledger = new SlowLedger(42);
    const account = new Account('bob', 100, ledger);
    const outcomes = await withTimeout(Promise.allSettled(Array.from({ length: 10 }, () => account.withdraw(30))), 3000, {
      label: 'the withdrawals',
    });
    const succeeded = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
    assert.equal(account.balance, 10, `the balance is ${account.balance}: the check and the debit were not atomic`);
    assert.equal(succeeded.length, 3);
    assert.ok(refused.every((outcome) => (outcome as PromiseRejectedResult).reason instanceof InsufficientFundsError));
    assert.deepEqual(
      ledger.entries.map((entry) => entry.balanceAfter),
      [70, 40, 10],
    );
  });

  it('concurrent deposits and withdrawals: nothing is lost, and the ledger tells one consistent story [2 pts]', async () => {
    const next = mulberry32(9);
    const ledger = new SlowLedger(3);
    const account = new Account('carol', 50, ledger);
    const operations: Array<Promise<number>> = [];
    const deposits: Array<Promise<number>> = [];
    for (let i = 0; i < 60; i++) {
      const amount = 1 + Math.floor(next() * 20);
      const isDeposit = next() < 0.5;
      const operation = isDeposit ? account.deposit(amount) : account.withdraw(amount);
      operations.push(operation);
      if (isDeposit) deposits.push(operation);
    }
    const outcomes = await withTimeout(Promise.allSettled(operations), 5000, { label: 'the operations' });
    assert.ok(
      (await Promise.allSettled(deposits)).every((outcome) => outcome.status === 'fulfilled'),
      'a deposit failed',
    );
    const done = outcomes.filter((outcome) => outcome.status === 'fulfilled').length;
    assert.equal(ledger.entries.length, done, 'every operation that succeeded, and only those, is in the ledger');
    let balance = 50;
    for (const entry of ledger.entries) {
      balance += entry.kind === 'deposit' ? entry.amount : -entry.amount;
      assert.equal(entry.balanceAfter, balance, 'an entry was computed from a stale balance');
      assert.ok(balance >= 0, 'the balance went below 0');
    }
    assert.equal(account.balance, balance, 'the balance does not match the ledger');
  });

  it('when the ledger fails, the operation rejects, the balance is unchanged, and the account still works [1 pts]', async () => {
    const ledger = new SlowLedger(5);
    const account = new Account('dave', 100, ledger);
    ledger.failWhen = (entry) => entry.amount === 13;
    const results = await withTimeout(
      Promise.allSettled([account.withdraw(10), account.withdraw(13), account.deposit(13), account.withdraw(20)]),
      3000,
      { label: 'the operations' },
    );
    assert.deepEqual(
      results.map((result) => result.status),
      ['fulfilled', 'rejected', 'rejected', 'fulfilled'],
    );
    assert.equal(account.balance, 70);
    assert.equal(await withTimeout(account.deposit(1), 1000, { label: 'a later deposit' }), 71);
  });

  // BEGIN HIDDEN TESTS
  it('transfers in both directions at once all finish, and no money appears or disappears [2 pts]', async () => {
    const ledger = new SlowLedger(11);
    const a = new Account('a', 500, ledger);
    const b = new Account('b', 500, ledger);
    const c = new Account('c', 500, ledger);
    const next = mulberry32(4);
    const accounts = [a, b, c];
    const transfers: Array<Promise<void>> = [];
    for (let i = 0; i < 60; i++) {
      const from = accounts[i % 3];
      const to = accounts[(i + 1 + Math.floor(next() * 2)) % 3];
      transfers.push(from.transferTo(to, 1 + Math.floor(next() * 100)));
    }
    const outcomes = await withTimeout(Promise.allSettled(transfers), 5000, { label: 'the transfers' });
    const done = outcomes.filter((outcome) => outcome.status === 'fulfilled').length;
    assert.ok(done > 30, `only ${done} of 60 transfers went through`);
    assert.equal(ledger.entries.length, 2 * done, 'each transfer records two entries');
    assert.equal(a.balance + b.balance + c.balance, 1500);
    assert.ok(accounts.every((account) => account.balance >= 0));
    assert.ok(
      accounts.every((account) => !account.lock.isLocked),
      'a lock was left held',
    );
  });

  it('a transfer the balance does not cover moves nothing [1 pts]', async () => {
    const ledger = new SlowLedger(2);
    const a = new Account('a', 10, ledger);
    const b = new Account('b', 0, ledger);
    const both = [a.transferTo(b, 8), a.transferTo(b, 8)];
    const results = await withTimeout(Promise.allSettled(both), 2000, { label: 'the transfers' });
    assert.deepEqual(results.map((result) => result.status).sort(), ['fulfilled', 'rejected']);
    assert.deepEqual([a.balance, b.balance], [2, 8]);
    assert.equal(ledger.entries.length, 2);
  });
  // END HIDDEN TESTS
});
