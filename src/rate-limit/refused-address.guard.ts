import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { RefusalLimiter } from './refusal-limiter.js';
import { TooManyRequestsError } from './too-many-requests.error.js';

/** Runs before the token guard: an address over its refusal limit gets 429 without any token work. */
@Injectable()
export class RefusedAddressGuard implements CanActivate {
  constructor(private readonly limiter: RefusalLimiter) {}

  canActivate(context: ExecutionContext): boolean {
    if (!this.limiter.enabled) return true;
    const { ip } = context.switchToHttp().getRequest<FastifyRequest>();
    const wait = this.limiter.blockedFor(ip);
    if (wait > 0) throw new TooManyRequestsError('refused', wait);
    return true;
  }
}
