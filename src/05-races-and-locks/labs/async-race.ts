/**
 * A race with ONE thread (pitfall 3): a bank account and concurrent withdrawals.
 *
 * Each withdrawal checks, then acts:
 *
 *   const balance = await account.readBalance();   // I/O: the await lets the other withdrawals run
 *   if (balance < amount) return 'refused';        // check ...
 *   await sendPayment(amount);                     // I/O again
 *   account.balance -= amount;                     // ... act, on a balance the check never saw
 *
 * No code runs in parallel here: JavaScript on one thread runs one thing at a
 * time. But every `await` is a point where other tasks run, so all withdrawals
 * can pass their check before any of them acts, and the account is overdrawn.
 * The fix holds the kit's AsyncLock from the check to the act
 * (`lock.runExclusive(() => withdraw(...))`): the check and the act become one
 * step as far as the other withdrawals can tell.
 *
 * Deterministic: the simulated I/O takes a fixed delay (no randomness), and
 * timers of equal length fire in the order they were set, so every run prints
 * the same log.
 */
import type { ChartConfiguration } from 'chart.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkCount, checkOneOf, checkOptions, checkPositiveInteger, describeValue } from '../../engine/validate.js';
import { AsyncLock } from '../async-lock.js';

export const ASYNC_RACE_VERSIONS = ['unsafe', 'locked'] as const;
export type AsyncRaceVersion = (typeof ASYNC_RACE_VERSIONS)[number];

export interface AsyncRaceOptions {
  /** 'unsafe' (check-then-act across awaits, default) or 'locked' (the same code under an AsyncLock). */
  version?: AsyncRaceVersion;
  /** Money in the account at the start (default 100). */
  balance?: number;
  /** Amounts withdrawn at the same time, one task each (default [60, 50, 30]). */
  withdrawals?: number[];
  /** How long each simulated I/O step takes, in ms (default 5). */
  delayMs?: number;
}

/** One thing a withdrawal did, in the order it happened. */
export interface AsyncRaceLogEntry {
  /** 1, 2, ... in the order the events happened. */
  step: number;
  /** Which withdrawal: 1, 2, ... as given. */
  withdrawal: number;
  amount: number;
  event: 'read' | 'check' | 'refuse' | 'pay' | 'debit';
  /** The account's balance right after this event. */
  balance: number;
  /** What happened, in words. */
  text: string;
}

export interface AsyncRaceWithdrawal {
  withdrawal: number;
  amount: number;
  outcome: 'paid' | 'refused';
  /** The balance this withdrawal read for its check. */
  balanceSeen: number;
}

export interface AsyncRaceResult {
  version: AsyncRaceVersion;
  startBalance: number;
  finalBalance: number;
  /** Sum of the withdrawals paid. */
  paidOut: number;
  /** True when the balance ended below zero. */
  overdrawn: boolean;
  withdrawals: AsyncRaceWithdrawal[];
  log: AsyncRaceLogEntry[];
}

/** The account, with a balance that takes a (simulated) database round trip to read. */
class Account {
  constructor(
    public balance: number,
    private readonly delayMs: number,
  ) {}

  async readBalance(): Promise<number> {
    await sleep(this.delayMs); // the database answers later: other tasks run meanwhile
    return this.balance;
  }
}

/** Runs the withdrawals concurrently (all started at once) and returns what happened, step by step. */
export async function runAsyncRace(options?: AsyncRaceOptions): Promise<AsyncRaceResult> {
  const given = checkOptions(options, 'options');
  const version = checkOneOf(given.version ?? 'unsafe', 'version', ASYNC_RACE_VERSIONS);
  const startBalance = checkCount(given.balance ?? 100, 'balance');
  const amounts = given.withdrawals ?? [60, 50, 30];
  if (!Array.isArray(amounts) || amounts.length === 0) {
    throw new TypeError(`withdrawals must be a non-empty array of amounts, e.g. [60, 50, 30], got ${describeValue(amounts)}`);
  }
  amounts.forEach((amount, index) => checkPositiveInteger(amount, `withdrawals[${index}]`));
  const delayMs = checkPositiveInteger(given.delayMs ?? 5, 'delayMs');

  const account = new Account(startBalance, delayMs);
  const log: AsyncRaceLogEntry[] = [];
  const note = (withdrawal: number, amount: number, event: AsyncRaceLogEntry['event'], text: string): void => {
    log.push({ step: log.length + 1, withdrawal, amount, event, balance: account.balance, text });
  };

  const withdraw = async (withdrawal: number, amount: number): Promise<AsyncRaceWithdrawal> => {
    note(withdrawal, amount, 'read', `withdrawal ${withdrawal} asks for the balance (await)`);
    const balanceSeen = await account.readBalance();
    if (balanceSeen < amount) {
      note(withdrawal, amount, 'refuse', `withdrawal ${withdrawal} sees ${balanceSeen} < ${amount}: refused`);
      return { withdrawal, amount, outcome: 'refused', balanceSeen };
    }
    note(withdrawal, amount, 'check', `withdrawal ${withdrawal} sees ${balanceSeen} >= ${amount}: OK, pays out (await)`);
    await sleep(delayMs); // sending the money: another await, another chance for the others to run
    const before = account.balance;
    account.balance -= amount; // the act, on the balance as it is NOW, not as it was checked
    note(withdrawal, amount, 'debit', `withdrawal ${withdrawal} debits ${amount}: balance ${before} -> ${account.balance}`);
    return { withdrawal, amount, outcome: 'paid', balanceSeen };
  };

  const lock = new AsyncLock();
  const withdrawals = await Promise.all(
    amounts.map((amount, index) =>
      version === 'locked' ? lock.runExclusive(() => withdraw(index + 1, amount)) : withdraw(index + 1, amount),
    ),
  );
  const paidOut = withdrawals.filter((entry) => entry.outcome === 'paid').reduce((sum, entry) => sum + entry.amount, 0);
  return {
    version,
    startBalance,
    finalBalance: account.balance,
    paidOut,
    overdrawn: account.balance < 0,
    withdrawals,
    log,
  };
}

/** Both versions on the same account and withdrawals: `{ unsafe, locked }`. */
export async function compareAsyncRace(options?: Omit<AsyncRaceOptions, 'version'>): Promise<Record<AsyncRaceVersion, AsyncRaceResult>> {
  const given = checkOptions(options, 'options');
  return {
    unsafe: await runAsyncRace({ ...given, version: 'unsafe' }),
    locked: await runAsyncRace({ ...given, version: 'locked' }),
  };
}

/** The balance after each event, for each version given, with the zero line. */
export function asyncRaceChart(results: AsyncRaceResult | AsyncRaceResult[] | Record<string, AsyncRaceResult>): ChartConfiguration {
  const list: AsyncRaceResult[] = Array.isArray(results)
    ? results
    : typeof results === 'object' && results !== null && 'log' in results
      ? [results as AsyncRaceResult]
      : Object.values(results ?? {});
  if (list.length === 0 || list.some((result) => typeof result !== 'object' || result === null || !Array.isArray(result.log))) {
    throw new TypeError(`results must be what runAsyncRace() or compareAsyncRace() resolved to, got ${describeValue(results)}`);
  }
  const longest = Math.max(...list.map((result) => result.log.length));
  const colors: Record<AsyncRaceVersion, string> = { unsafe: '#d62728', locked: '#1f77b4' };
  return {
    type: 'line',
    data: {
      labels: ['start', ...Array.from({ length: longest }, (_, index) => String(index + 1))],
      datasets: [
        ...list.map((result) => ({
          label: `${result.version}: ends at ${result.finalBalance}, paid out ${result.paidOut}`,
          data: [result.startBalance, ...result.log.map((entry) => entry.balance)],
          borderColor: colors[result.version],
          backgroundColor: colors[result.version],
          stepped: true as const,
          borderWidth: 3,
        })),
        {
          label: 'zero',
          data: Array.from({ length: longest + 1 }, () => 0),
          borderColor: '#999999',
          borderDash: [6, 6],
          pointRadius: 0,
        },
      ],
    },
    options: {
      plugins: { title: { display: true, text: 'Account balance after each event (one thread, concurrent withdrawals)' } },
      scales: {
        x: { title: { display: true, text: 'event #' } },
        y: { title: { display: true, text: 'balance' } },
      },
    },
  };
}
