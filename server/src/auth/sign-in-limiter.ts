import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { CairnError, ErrorCode } from '../platform/errors.js';

/**
 * Counts failed sign-ins per account and per address. Held per server instance: a second instance has
 * its own counts, so the effective limit scales with the number of instances.
 */
export class SignInLimiter {
  private readonly perAccount = new RateLimiterMemory({ keyPrefix: 'acct', points: 5, duration: 15 * 60 });
  private readonly perAddress = new RateLimiterMemory({ keyPrefix: 'addr', points: 20, duration: 15 * 60 });

  /** Throws RATE_LIMITED when either budget is spent. */
  async check(email: string, address: string): Promise<void> {
    const [acct, addr] = await Promise.all([this.perAccount.get(email), this.perAddress.get(address)]);
    const blocked = [acct && acct.consumedPoints >= 5 ? acct : null, addr && addr.consumedPoints >= 20 ? addr : null].filter(
      (r): r is RateLimiterRes => r !== null,
    );
    if (blocked.length === 0) return;
    const wait = Math.max(...blocked.map((r) => Math.ceil(r.msBeforeNext / 1000)));
    throw new CairnError(
      ErrorCode.RATE_LIMITED,
      `Too many failed sign-in attempts. Please wait ${Math.ceil(wait / 60)} minute(s) and try again.`,
      undefined,
      wait,
    );
  }

  async failed(email: string, address: string): Promise<void> {
    await Promise.all([this.perAccount.penalty(email, 1), this.perAddress.penalty(address, 1)]);
  }

  async succeeded(email: string): Promise<void> {
    await this.perAccount.delete(email);
  }
}
