import { Global, Module } from '@nestjs/common';
import { RateLimiters } from './rate-limiters.js';
import { RefusedAddressHooks } from './refused-address.hooks.js';

/** The limiters and the per-address hooks; the per-caller guard is registered in AuthModule, after the token guard. */
@Global()
@Module({ providers: [RateLimiters, RefusedAddressHooks], exports: [RateLimiters] })
export class RateLimitModule {}
