import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { bearerCredential, checkTokenSyntax, type RequestParts } from '../bearer-token.js';
import { publicRoutes } from '../decorators/public.decorator.js';
import { toAuthError } from '../jwt-errors.js';
import { OktaJwtStrategy } from '../okta-jwt.strategy.js';
import type { AuthenticatedRequest, VerifiedToken } from '../principal.js';
import type { PerRoute } from '../route-metadata.js';
import { SigningKeysService } from '../signing-keys.service.js';
import { VerifiedTokenCache } from '../verified-token.cache.js';

type Request = RequestParts & AuthenticatedRequest;

/** The actions passport gives a strategy for one authentication attempt. */
interface StrategyAttempt {
  success(user: unknown): void;
  fail(challenge?: unknown): void;
  error(error: unknown): void;
  authenticate(request: unknown, options: object): void;
}

/** The global guard: every route needs a valid token unless marked `@Public()`. */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  private readonly isPublic: PerRoute<boolean>;

  constructor(
    reflector: Reflector,
    private readonly cache: VerifiedTokenCache,
    private readonly keys: SigningKeysService,
    private readonly strategy: OktaJwtStrategy,
  ) {
    this.isPublic = publicRoutes(reflector);
  }

  /** Not `async`: a cache hit (the common case) answers synchronously, without a promise per request. */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (this.isPublic.get(context)) return true;
    const request = context.switchToHttp().getRequest<Request>();
    // A query/body token or another scheme is refused before any token work.
    const credential = bearerCredential(request);
    const cached = this.cache.get(credential, (kid) => this.keys.has(kid));
    if (cached) {
      request.principal = cached;
      return true;
    }
    // A malformed token is a 400 before passport runs. Only checked on a miss: an entry's key is the
    // SHA-256 of a string that passed this check before it was verified and cached, so on a hit
    // the check could only agree (on the benchmark's 800-character tokens it was 2% of a request).
    return this.verify(request, checkTokenSyntax(credential));
  }

  private async verify(request: Request, token: string): Promise<boolean> {
    const verified = await this.authenticate(request);
    this.cache.set(token, verified.principal, verified.kid, verified.nbf);
    request.principal = verified.principal;
    return true;
  }

  /**
   * Runs this app's passport-jwt strategy the way `passport.authenticate` does (a per-attempt object
   * whose success/fail/error settle the outcome), but on the injected instance rather than through
   * passport's process-wide registry by name, where a second app in the same process (tests, or an
   * embedding host) would replace this app's strategy and verify with the other app's keys and issuer.
   */
  private authenticate(request: Request): Promise<VerifiedToken> {
    return new Promise((resolve, reject) => {
      const attempt = Object.create(this.strategy) as StrategyAttempt;
      attempt.success = (user) => resolve(user as VerifiedToken);
      attempt.fail = (challenge) => reject(toAuthError(challenge));
      attempt.error = (error) => reject(toAuthError(error));
      attempt.authenticate(request, {});
    });
  }
}
