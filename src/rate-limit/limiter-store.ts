import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RedisLink } from '../shared-state/redis-link.js';

/** This instance's memory standing in for Redis (rate-limiter-flexible's insurance limiter); each use is counted. */
class FallbackLimiter extends RateLimiterMemory {
  constructor(
    options: { points: number; duration: number },
    private readonly onUse: () => void,
  ) {
    super(options);
  }

  override consume(
    ...args: Parameters<RateLimiterMemory['consume']>
  ): ReturnType<RateLimiterMemory['consume']> {
    this.onUse();
    return super.consume(...args);
  }
}

/**
 * A fixed-window limiter of `points` per `duration` seconds: in Redis, shared by every instance,
 * when there is a link; otherwise (and while Redis does not answer) in this process's memory.
 */
export function fixedWindowLimiter(
  name: string,
  points: number,
  duration: number,
  link: RedisLink | null,
): RateLimiterAbstract {
  if (!link) return new RateLimiterMemory({ points, duration });
  return new RateLimiterRedis({
    storeClient: link.client,
    keyPrefix: link.key(`rl:${name}`),
    points,
    duration,
    // Not connected: straight to the insurance limiter, without trying.
    rejectIfRedisNotReady: true,
    // A key over its limit stays refused here until its window ends, without asking Redis again.
    inMemoryBlockOnConsumed: points + 1,
    insuranceLimiter: new FallbackLimiter({ points, duration }, () => link.fellBack('rate_limit')),
  });
}
