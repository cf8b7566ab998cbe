import { CairnError, ErrorCode } from '../platform/errors.js';
import { ProgressiveDelay, type DelayPolicy } from './progressive-delay.js';

const FIFTEEN_MINUTES = 15 * 60_000;

/**
 * One person at one address (a typo-prone owner, or someone guessing from one machine): 5 free attempts,
 * then 1 s, 2 s, 4 s… up to a minute between attempts.
 */
const perAddressAndAccount: DelayPolicy = { free: 5, firstDelayMs: 1000, maxDelayMs: 60_000, forgetAfterMs: FIFTEEN_MINUTES };
/**
 * One account from anywhere (guessing spread over many addresses): a larger free budget, the same growth.
 * A minute is the longest the owner is ever held back, however long the guessing goes on.
 */
const perAccount: DelayPolicy = { free: 10, firstDelayMs: 1000, maxDelayMs: 60_000, forgetAfterMs: FIFTEEN_MINUTES };

/** An attempt taken: tell the limiter how it went. A failure stays counted. */
export interface SignInAttempt {
  succeeded(): void;
}

/**
 * Paces sign-in attempts per (address, account) and per account, with a growing wait rather than a lock,
 * and never per address alone: a practice's shared address or a proxy does not lock out everyone behind it.
 * The attempt is taken before the password is checked, so guesses sent in parallel are counted too.
 * Held per server instance: a second instance has its own counts.
 */
export class SignInLimiter {
  private readonly pairs = new ProgressiveDelay(perAddressAndAccount);
  private readonly accounts = new ProgressiveDelay(perAccount);

  /** Takes an attempt for `email` from `address`, or throws RATE_LIMITED with how long to wait. Synchronous. */
  attempt(email: string, address: string): SignInAttempt {
    const pair = `${address}\n${email}`;
    const wait = Math.max(this.pairs.waitMs(pair), this.accounts.waitMs(email));
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      throw new CairnError(
        ErrorCode.RATE_LIMITED,
        `Too many sign-in attempts. Please wait ${seconds} ${seconds === 1 ? 'second' : 'seconds'} and try again.`,
        undefined,
        seconds,
      );
    }
    this.pairs.take(pair);
    this.accounts.take(email);
    return {
      succeeded: () => {
        this.pairs.forget(pair);
        this.accounts.refund(email);
      },
    };
  }
}
