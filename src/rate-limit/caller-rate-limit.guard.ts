import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { AuthenticatedRequest } from '../auth/principal.js';
import { RateLimiters } from './rate-limiters.js';
import { TooManyRequestsError } from './too-many-requests.error.js';

/**
 * Runs after the token guard: limits each authenticated caller by `sub`, across every route and
 * whatever address or token it uses. Public routes (health) have no caller and are not limited.
 */
@Injectable()
export class CallerRateLimitGuard implements CanActivate {
  constructor(private readonly limiters: RateLimiters) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { principal } = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (!principal) return true;
    const wait = await this.limiters.consumeCaller(principal.sub);
    if (wait > 0) throw new TooManyRequestsError('caller', wait);
    return true;
  }
}
