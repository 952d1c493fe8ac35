import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { TokenRevocation, type CheckedRequest } from '../../revocation/token-revocation.service.js';
import { bearerCredential, checkTokenSyntax, type RequestParts } from '../bearer-token.js';
import { Public } from '../decorators/public.decorator.js';
import { toAuthError } from '../jwt-errors.js';
import { OktaJwtStrategy } from '../okta-jwt.strategy.js';
import type { AuthenticatedRequest, VerifiedToken } from '../principal.js';
import { SigningKeysService } from '../signing-keys.service.js';
import { SitesService } from '../sites.service.js';
import { readHeader } from '../token-rules.js';
import { VerifiedTokenCache } from '../verified-token.cache.js';

type Request = RequestParts & AuthenticatedRequest & CheckedRequest & { verifiedToken?: VerifiedToken };

/**
 * The global guard: every route needs a valid token unless marked `@Public()`. A token verified
 * before is answered from the cache; any other goes through passport-jwt, with its site's key
 * and rules. Either way, a revoked token is then refused (`TokenRevocation`).
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard() {
  constructor(
    private readonly reflector: Reflector,
    private readonly cache: VerifiedTokenCache,
    private readonly keys: SigningKeysService,
    private readonly sites: SitesService,
    private readonly revocation: TokenRevocation,
    strategy: OktaJwtStrategy,
  ) {
    super({ defaultStrategy: strategy.strategyName, property: 'verifiedToken', session: false });
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride(Public, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<Request>();
    // A query/body token, several headers or another scheme is refused before any token work.
    const credential = bearerCredential(request);
    const cached = this.cache.get(credential, (kid, site) =>
      this.keys.has(this.sites.byId(site).issuer, kid),
    );
    if (cached) {
      await this.revocation.check(credential, cached, request);
      request.principal = cached;
      return true;
    }
    checkTokenSyntax(credential);
    // The header's rules first (their reasons come before the issuer's), then the site, which
    // decides the issuer whose keys verify the token: no other issuer is ever asked.
    readHeader(credential);
    request.site = this.sites.forToken(credential);
    await super.canActivate(context);
    const verified = request.verifiedToken!;
    this.cache.set(credential, verified.principal, verified.kid, verified.nbf);
    await this.revocation.check(credential, verified.principal, request);
    request.principal = verified.principal;
    return true;
  }

  /** passport reports a refusal as `info` and a failure as `err`: both become the contract's errors. */
  override handleRequest<T>(err: unknown, user: T | false, info: unknown): T {
    if (err || !user) throw toAuthError(err ?? info);
    return user;
  }
}
