import { Global, Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { RefusalLimiter } from './refusal-limiter.js';

/** @nestjs/throttler with one throttler, `caller`; the guards themselves are registered in AuthModule, in order. */
@Global()
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        throttlers: [
          {
            name: 'caller',
            ttl: config.rateLimit.windowSeconds * 1000,
            limit: config.rateLimit.perCaller,
          },
        ],
        // X-RateLimit-* headers on every response would cost the hot path; 429s carry Retry-After.
        setHeaders: false,
        skipIf: () => config.rateLimit.perCaller === 0,
      }),
    }),
  ],
  providers: [RefusalLimiter],
  exports: [RefusalLimiter, ThrottlerModule],
})
export class RateLimitModule {}
