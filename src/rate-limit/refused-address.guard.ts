import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { publicRoutes } from '../auth/decorators/public.decorator.js';
import type { PerRoute } from '../auth/route-metadata.js';
import { RateLimiters } from './rate-limiters.js';
import { TooManyRequestsError } from './too-many-requests.error.js';

/**
 * Runs before the token guard: an address over its refusal limit gets 429 without any token
 * work (no hashing, no signature check, no key fetch), so its flood costs others next to nothing.
 */
@Injectable()
export class RefusedAddressGuard implements CanActivate {
  private readonly isPublic: PerRoute<boolean>;

  constructor(
    private readonly limiters: RateLimiters,
    reflector: Reflector,
  ) {
    this.isPublic = publicRoutes(reflector);
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    // Synchronous while no address has been refused: no promise on the hot path.
    if (!this.limiters.limitsRefusals || !this.limiters.mayRefuseAddresses) return true;
    // Health checks cost nothing to refuse and must keep answering the load balancer.
    if (this.isPublic.get(context)) return true;
    const { ip } = context.switchToHttp().getRequest<FastifyRequest>();
    return this.limiters.refusedAddressWait(ip).then((wait) => {
      if (wait > 0) throw new TooManyRequestsError('refused', wait);
      return true;
    });
  }
}
