/**
 * A bank account whose operations wait for I/O (the ledger) between checking the
 * balance and changing it.
 *
 * One thread, no workers, and still a race (pitfall 3): at every `await`, other
 * tasks run. Ten withdrawals of 30 from a balance of 100 all check "100 >= 30",
 * all wait for the ledger, then all debit: the balance ends at -200. The check and
 * the act must happen with nobody else in between, so each account serializes its
 * operations with an AsyncLock held across the await.
 *
 * A transfer needs TWO accounts' locks. Two transfers in opposite directions
 * (A→B holding A, B→A holding B) would each wait for the other forever: a
 * deadlock. Taking locks in one global order (by account id) prevents it.
 */
import { AsyncLock } from 'course-kit/05-races-and-locks/async-lock';

/** One movement, as written to the ledger. */
export interface LedgerEntry {
  account: string;
  kind: 'withdraw' | 'deposit';
  amount: number;
  /** The account's balance once this movement is applied. */
  balanceAfter: number;
}

/** Where every movement is recorded BEFORE the balance changes. Recording is I/O: it takes time, and may fail. */
export interface Ledger {
  record(entry: LedgerEntry): Promise<void>;
}

export class InsufficientFundsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InsufficientFundsError';
  }
}

function checkAmount(amount: number): void {
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0) {
    throw new RangeError(`amount must be a finite number > 0, got ${String(amount)}`);
  }
}

export class Account {
  readonly id: string;
  readonly ledger: Ledger;
  /** Serializes this account's operations (AsyncLock from the kit: acquire() → release function, runExclusive(fn)). */
  readonly lock = new AsyncLock();
  #balance: number;

  constructor(id: string, openingBalance: number, ledger: Ledger) {
    if (!(openingBalance >= 0)) throw new RangeError(`openingBalance must be >= 0, got ${String(openingBalance)}`);
    this.id = id;
    this.#balance = openingBalance;
    this.ledger = ledger;
  }

  get balance(): number {
    return this.#balance;
  }

  /**
   * Takes `amount` out if the balance covers it: checks the balance, records the
   * movement (`await this.ledger.record(...)`), then changes the balance.
   * Resolves to the new balance. Rejects with InsufficientFundsError, recording
   * nothing, if the balance is too low; if the ledger fails, rejects with its
   * error and the balance is unchanged.
   */
  async withdraw(amount: number): Promise<number> {
    checkAmount(amount);
    // BEGIN SOLUTION
    return this.lock.runExclusive(async () => {
      if (this.#balance < amount) {
        throw new InsufficientFundsError(`${this.id}: cannot withdraw ${amount}, balance is ${this.#balance}`);
      }
      const balanceAfter = this.#balance - amount;
      await this.ledger.record({ account: this.id, kind: 'withdraw', amount, balanceAfter });
      this.#balance = balanceAfter;
      return balanceAfter;
    });
    // END SOLUTION
  }

  /** Puts `amount` in: records the movement, then changes the balance. Resolves to the new balance. */
  async deposit(amount: number): Promise<number> {
    checkAmount(amount);
    // BEGIN SOLUTION
    return this.lock.runExclusive(async () => {
      const balanceAfter = this.#balance + amount;
      await this.ledger.record({ account: this.id, kind: 'deposit', amount, balanceAfter });
      this.#balance = balanceAfter;
      return balanceAfter;
    });
    // END SOLUTION
  }

  /**
   * Moves `amount` from this account to `to`, all or nothing: both movements are
   * recorded (this account's withdraw, then `to`'s deposit), then both balances
   * change. Rejects with InsufficientFundsError (nothing recorded) if this balance
   * is too low. Transfers running in opposite directions at the same time must
   * all finish (no deadlock).
   */
  async transferTo(to: Account, amount: number): Promise<void> {
    checkAmount(amount);
    if (to === this) throw new RangeError('cannot transfer to the same account');
    // BEGIN SOLUTION
    // One global order for taking locks: by id. Two transfers never hold one lock each while waiting for the other's.
    const [first, second] = this.id < to.id ? [this, to] : [to, this];
    const releaseFirst = await first.lock.acquire();
    try {
      const releaseSecond = await second.lock.acquire();
      try {
        if (this.#balance < amount) {
          throw new InsufficientFundsError(`${this.id}: cannot transfer ${amount}, balance is ${this.#balance}`);
        }
        const fromAfter = this.#balance - amount;
        const toAfter = to.#balance + amount;
        await this.ledger.record({ account: this.id, kind: 'withdraw', amount, balanceAfter: fromAfter });
        await to.ledger.record({ account: to.id, kind: 'deposit', amount, balanceAfter: toAfter });
        this.#balance = fromAfter;
        to.#balance = toAfter;
      } finally {
        releaseSecond();
      }
    } finally {
      releaseFirst();
    }
    // END SOLUTION
  }
}
