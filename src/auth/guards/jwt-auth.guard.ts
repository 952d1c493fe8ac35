import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { extractBearerToken, type RequestParts } from '../bearer-token.js';
import { Public } from '../decorators/public.decorator.js';
import { toAuthError } from '../jwt-errors.js';
import { OKTA_JWT } from '../okta-jwt.strategy.js';
import type { AuthenticatedRequest, VerifiedToken } from '../principal.js';
import { SigningKeysService } from '../signing-keys.service.js';
import { VerifiedTokenCache } from '../verified-token.cache.js';

type Request = RequestParts & AuthenticatedRequest & { user?: VerifiedToken };

/** The global guard: every route needs a valid token unless marked `@Public()`. */
@Injectable()
export class JwtAuthGuard extends AuthGuard(OKTA_JWT) {
  constructor(
    private readonly reflector: Reflector,
    private readonly cache: VerifiedTokenCache,
    private readonly keys: SigningKeysService,
  ) {
    super();
  }

  /** Not `async`: a cache hit (the common case) answers synchronously, without a promise per request. */
  override canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (this.reflector.getAllAndOverride(Public, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<Request>();
    // Extracting first turns a query/body token or a malformed header into a 400 before passport runs.
    const token = extractBearerToken(request);
    const cached = this.cache.get(token, (kid) => this.keys.has(kid));
    if (cached) {
      request.principal = cached;
      return true;
    }
    return this.verify(context, request, token);
  }

  private async verify(context: ExecutionContext, request: Request, token: string): Promise<boolean> {
    await super.canActivate(context);
    const verified = request.user as VerifiedToken;
    this.cache.set(token, verified.principal, verified.kid, verified.nbf);
    request.principal = verified.principal;
    return true;
  }

  override handleRequest<T>(error: unknown, user: T | false, info: unknown): T {
    if (error || !user) throw toAuthError(error ?? info);
    return user;
  }
}
