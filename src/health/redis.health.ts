import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { REDIS_LINK, type RedisLink } from '../shared-state/redis-link.js';

/**
 * Redis (REDIS_URL), when configured: `degraded`, never `down`, while it does not answer. Each
 * instance then limits and remembers on its own, which serves requests correctly enough that
 * taking instances out of the balancer would be worse.
 */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(REDIS_LINK) private readonly link: RedisLink | null,
  ) {}

  get configured(): boolean {
    return this.link !== null;
  }

  check(key: 'redis') {
    const indicator = this.indicators.check(key);
    if (this.link?.up) return indicator.up();
    return indicator.degraded({
      message: "Redis does not answer: rate limits, replay memory and notices are this instance's own",
    });
  }
}
