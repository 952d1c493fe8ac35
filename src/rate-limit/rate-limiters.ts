import { Inject, Injectable } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';

/**
 * The two limits, in process memory (one instance: each replica limits on its own):
 * requests per authenticated caller (`sub`), and refused authentication attempts per client
 * address. An address that used up its refusals is turned away until its window ends.
 */
@Injectable()
export class RateLimiters {
  private readonly callers: RateLimiterMemory | undefined;
  private readonly refusals: RateLimiterMemory | undefined;
  private readonly refusalLimit: number;
  /** Until the first refusal no address can be over its limit, so checking costs nothing. */
  private refusalSeen = false;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const { windowSeconds, perCaller, refusedPerAddress } = config.rateLimit;
    this.callers =
      perCaller > 0 ? new RateLimiterMemory({ points: perCaller, duration: windowSeconds }) : undefined;
    this.refusals =
      refusedPerAddress > 0
        ? new RateLimiterMemory({ points: refusedPerAddress, duration: windowSeconds })
        : undefined;
    this.refusalLimit = refusedPerAddress;
  }

  /** Counts one request for `sub`; resolves to the seconds to wait when over the limit, else 0. */
  async consumeCaller(sub: string): Promise<number> {
    if (!this.callers) return 0;
    try {
      await this.callers.consume(sub);
      return 0;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return retryAfter(rejection);
      throw rejection;
    }
  }

  /** Counts one refused authentication attempt from `address`. */
  recordRefusal(address: string): void {
    if (!this.refusals) return;
    this.refusalSeen = true;
    this.refusals.consume(address).catch(() => undefined);
  }

  /** Seconds until `address` may try again after too many refusals, or 0. */
  async refusedAddressWait(address: string): Promise<number> {
    if (!this.refusals) return 0;
    const state = await this.refusals.get(address);
    return state && state.consumedPoints >= this.refusalLimit ? retryAfter(state) : 0;
  }

  get limitsRefusals(): boolean {
    return this.refusals !== undefined;
  }

  /** Whether any address could be over its refusal limit yet (false until a refusal is recorded). */
  get mayRefuseAddresses(): boolean {
    return this.refusalSeen;
  }
}

function retryAfter(state: RateLimiterRes): number {
  return Math.max(1, Math.ceil(state.msBeforeNext / 1000));
}
