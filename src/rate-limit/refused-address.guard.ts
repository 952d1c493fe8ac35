import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { RateLimiters } from './rate-limiters.js';
import { TooManyRequestsError } from './too-many-requests.error.js';

/**
 * Runs before the token guard: an address over its refusal limit gets 429 without any token
 * work (no hashing, no signature check, no key fetch), so its flood costs others next to nothing.
 */
@Injectable()
export class RefusedAddressGuard implements CanActivate {
  constructor(private readonly limiters: RateLimiters) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!this.limiters.limitsRefusals) return true;
    const { ip } = context.switchToHttp().getRequest<FastifyRequest>();
    const wait = await this.limiters.refusedAddressWait(ip);
    if (wait > 0) throw new TooManyRequestsError('refused', wait);
    return true;
  }
}
