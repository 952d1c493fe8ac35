import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { TokenRevocation, type CheckedRequest } from '../../revocation/token-revocation.service.js';
import type { AuthScheme } from '../bearer-errors.js';
import { authorizationScheme, checkTokenSyntax, readCredential } from '../bearer-token.js';
import { Public } from '../decorators/public.decorator.js';
import { DpopService, type DpopRequest } from '../dpop/dpop.service.js';
import { checkBinding } from '../dpop/token-binding.js';
import { toAuthError } from '../jwt-errors.js';
import { OktaJwtStrategy } from '../okta-jwt.strategy.js';
import type { AuthenticatedRequest, Principal, VerifiedToken } from '../principal.js';
import { SigningKeysService } from '../signing-keys.service.js';
import { SitesService } from '../sites.service.js';
import { readHeader } from '../token-rules.js';
import { VerifiedTokenCache } from '../verified-token.cache.js';

type Request = DpopRequest & AuthenticatedRequest & CheckedRequest & { verifiedToken?: VerifiedToken };

/**
 * The global guard: every route needs a valid token unless marked `@Public()`. Under the DPoP
 * scheme the proof is checked first, on every request. A token verified before is then answered
 * from the cache; any other goes through passport-jwt, with its site's key and rules. Either way, a
 * revoked token is then refused (`TokenRevocation`).
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard() {
  /** DPOP_REQUIRED: Bearer is a scheme this API does not take. */
  private readonly schemes: readonly AuthScheme[];

  constructor(
    private readonly reflector: Reflector,
    private readonly cache: VerifiedTokenCache,
    private readonly keys: SigningKeysService,
    private readonly sites: SitesService,
    private readonly dpop: DpopService,
    private readonly revocation: TokenRevocation,
    strategy: OktaJwtStrategy,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    super({ defaultStrategy: strategy.strategyName, property: 'verifiedToken', session: false });
    this.schemes = config.dpop.required ? ['dpop'] : ['bearer', 'dpop'];
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride(Public, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<Request>();
    // First: every refusal from here on is answered in the scheme the client used.
    request.authScheme = authorizationScheme(request) ?? 'bearer';
    // A query/body token, several headers or another scheme is refused before any token work.
    const { scheme, token } = readCredential(request, this.schemes);
    // Under DPoP, the proof before the token (its `ath` hashes the token, so the syntax comes first).
    const proof =
      scheme === 'dpop' ? await this.dpop.checkProof(request, checkTokenSyntax(token, scheme)) : undefined;
    const principal = await this.principal(context, request, token, scheme);
    if (proof) await this.dpop.confirm(proof, principal);
    // Last: introspection is a call to the issuer, not to be made for a proof of another key.
    await this.revocation.check(token, principal, request);
    request.principal = principal;
    return true;
  }

  private async principal(
    context: ExecutionContext,
    request: Request,
    token: string,
    scheme: AuthScheme,
  ): Promise<Principal> {
    const cached = this.cache.get(token, (kid, site) => this.keys.has(this.sites.byId(site).issuer, kid));
    if (cached) {
      checkBinding(cached.dpopJkt, scheme);
      return cached;
    }
    checkTokenSyntax(token, scheme);
    // The header's rules first (their reasons come before the issuer's), then the site, which
    // decides the issuer whose keys verify the token: no other issuer is ever asked.
    readHeader(token);
    request.site = this.sites.forToken(token);
    await super.canActivate(context);
    const verified = request.verifiedToken!;
    this.cache.set(token, verified.principal, verified.kid, verified.nbf);
    return verified.principal;
  }

  /** passport reports a refusal as `info` and a failure as `err`: both become the contract's errors. */
  override handleRequest<T>(err: unknown, user: T | false, info: unknown): T {
    if (err || !user) throw toAuthError(err ?? info);
    return user;
  }
}
