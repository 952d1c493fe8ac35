import { Global, Module } from '@nestjs/common';
import { RateLimiters } from './rate-limiters.js';

/** The limiters; the guards that use them are registered in AuthModule, in order around the token guard. */
@Global()
@Module({ providers: [RateLimiters], exports: [RateLimiters] })
export class RateLimitModule {}
