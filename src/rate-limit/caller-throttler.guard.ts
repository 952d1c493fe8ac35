import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import type { AuthenticatedRequest } from '../auth/principal.js';
import { TooManyRequestsError } from './too-many-requests.error.js';

/**
 * Runs after the token guard: limits each authenticated caller by `sub`, whatever address or
 * token it uses. Public routes (health) have no caller and are not limited.
 */
@Injectable()
export class CallerThrottlerGuard extends ThrottlerGuard {
  protected override shouldSkip(context: ExecutionContext): Promise<boolean> {
    const { principal } = context.switchToHttp().getRequest<AuthenticatedRequest>();
    return Promise.resolve(principal === undefined);
  }

  protected override getTracker(req: AuthenticatedRequest): Promise<string> {
    return Promise.resolve(req.principal?.sub ?? '');
  }

  /** One bucket per caller across every route (the default key is per route and hashed). */
  protected override generateKey(_context: ExecutionContext, tracker: string, name: string): string {
    return `${name}:${tracker}`;
  }

  protected override throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    throw new TooManyRequestsError('caller', Math.max(1, detail.timeToBlockExpire));
  }
}
