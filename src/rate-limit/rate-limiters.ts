import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { Notices } from '../shared-state/notices.js';
import { REDIS_LINK, type RedisLink } from '../shared-state/redis-link.js';
import { fixedWindowLimiter } from './limiter-store.js';
import { RefusedAddresses } from './refused-addresses.js';

/** Where an instance that finds an address over its limit tells every instance (itself included). */
const REFUSED_CHANNEL = 'rate-limit:refused-address';

/**
 * The two limits: requests per authenticated caller (`sub`), and refused authentication attempts
 * per client address. Counted in Redis when REDIS_URL is set (every instance shares them), else
 * in this process. An address that used up its refusals is turned away until its window ends.
 */
@Injectable()
export class RateLimiters implements OnModuleInit {
  private readonly callers: RateLimiterAbstract | undefined;
  private readonly refusals: RateLimiterAbstract | undefined;
  private readonly refusalLimit: number;
  private readonly refused: RefusedAddresses;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(REDIS_LINK) link: RedisLink | null,
    private readonly notices: Notices,
  ) {
    const { windowSeconds, perCaller, refusedPerAddress } = config.rateLimit;
    this.callers = perCaller > 0 ? fixedWindowLimiter('caller', perCaller, windowSeconds, link) : undefined;
    this.refusals =
      refusedPerAddress > 0
        ? fixedWindowLimiter('refused', refusedPerAddress, windowSeconds, link)
        : undefined;
    this.refusalLimit = refusedPerAddress;
    this.refused = new RefusedAddresses(windowSeconds * 1000);
  }

  onModuleInit(): void {
    if (this.refusals) this.notices.subscribe(REFUSED_CHANNEL, (notice) => this.refused.hear(notice));
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

  /**
   * Counts one refused authentication attempt from `address`. The instance whose count reaches the
   * limit refuses the address and tells the others, so that checking it never needs a round trip.
   */
  async recordRefusal(address: string): Promise<void> {
    if (!this.refusals) return;
    let state: RateLimiterRes;
    try {
      state = await this.refusals.consume(address);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      state = rejection;
    }
    if (state.consumedPoints < this.refusalLimit) return;
    this.refused.refuse(address, state.msBeforeNext);
    await this.notices.publish(REFUSED_CHANNEL, RefusedAddresses.notice(address, state.msBeforeNext));
  }

  /** Seconds until `address` may try again after too many refusals, or 0. */
  refusedAddressWait(address: string): number {
    return this.refused.wait(address);
  }

  get limitsRefusals(): boolean {
    return this.refusals !== undefined;
  }

  /** Whether any address is refused now (false until one reaches its limit, on any instance). */
  get mayRefuseAddresses(): boolean {
    return !this.refused.empty;
  }
}

function retryAfter(state: RateLimiterRes): number {
  return Math.max(1, Math.ceil(state.msBeforeNext / 1000));
}
