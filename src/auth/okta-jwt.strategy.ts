import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Jwt } from 'jsonwebtoken';
import passport from 'passport';
import { Strategy, type SecretOrKeyProvider } from 'passport-jwt';
import { APP_CONFIG, type ResolvedConfig, type ResolvedSite } from '../config/app-config.js';
import { accessTokenOrNull } from './bearer-token.js';
import { tokenBinding } from './dpop/token-binding.js';
import { hasAny, optionalNumber, optionalString, readGroups, readScopes } from './claims.js';
import type { AuthenticatedRequest, VerifiedToken } from './principal.js';
import { SigningKeysService } from './signing-keys.service.js';
import { siteForToken } from './site-selection.js';
import { checkPayload, readHeader } from './token-rules.js';

export const OKTA_JWT = 'okta-jwt';

/** The site `JwtAuthGuard` picked for this token before handing it to passport. */
function siteOf(request: AuthenticatedRequest): ResolvedSite {
  if (!request.site) throw new Error('no site picked for the token');
  return request.site;
}

let strategies = 0;

/**
 * Full verification of an Okta access token, for the site `JwtAuthGuard` picked: header rules, key
 * by `kid` from that site's issuer's JWKS, RS256 signature, `exp`, `nbf` (jsonwebtoken), then the
 * site's `iss`, `aud` and client rules and the payload rules jsonwebtoken lacks.
 */
@Injectable()
export class OktaJwtStrategy extends PassportStrategy(Strategy, OKTA_JWT) implements OnApplicationShutdown {
  /**
   * passport's registry is process-wide: under `okta-jwt` alone, a second app in the same process
   * (tests, an embedding host) would replace this one and verify with its issuer and keys.
   */
  readonly strategyName = `${OKTA_JWT}-${++strategies}`;

  constructor(
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
    keys: SigningKeysService,
  ) {
    super({
      jwtFromRequest: accessTokenOrNull,
      passReqToCallback: true,
      secretOrKeyProvider: ((
        request: AuthenticatedRequest,
        rawJwt: string,
        done: (error: unknown, key?: string) => void,
      ) => {
        let kid: string;
        let site: ResolvedSite;
        try {
          kid = readHeader(rawJwt).kid;
          site = siteOf(request);
        } catch (error) {
          return done(error);
        }
        keys
          .keyFor(site.issuer, kid)
          .then(
            // jsonwebtoken takes a KeyObject as is; passport-jwt's typings only know strings and buffers.
            (key) => done(null, key as unknown as string),
            (error: unknown) => done(error),
          )
          // jsonwebtoken verifies inside `done`: should it throw, the request must still be answered.
          .catch((error: unknown) => done(error));
      }) satisfies SecretOrKeyProvider,
      algorithms: ['RS256'],
      // `iss` and `aud` are the site's, checked in `validate`: passport-jwt's are one for every request.
      jsonWebTokenOptions: { complete: true, clockTolerance: config.okta.clockToleranceSeconds },
    });
    passport.use(this.strategyName, this);
  }

  validate(request: AuthenticatedRequest, token: Jwt): VerifiedToken {
    const site = siteOf(request);
    const scheme = request.authScheme ?? 'bearer';
    const claims = checkPayload(
      token.payload,
      { ...this.config.okta, clientIds: site.clientIds, scheme },
      Date.now() / 1000,
    );
    // Picked from the unverified payload; the same claims, now verified, must still name this site.
    siteForToken([site], claims);
    const groups = readGroups(claims, site.groupsClaim);
    const principal = {
      site: site.id,
      sub: claims.sub as string,
      uid: optionalString(claims.uid),
      cid: optionalString(claims.cid),
      scopes: readScopes(claims),
      groups,
      isAdmin: hasAny(groups, site.adminGroups),
      exp: claims.exp as number,
      iat: optionalNumber(claims.iat),
      acr: optionalString(claims.acr),
      authTime: optionalNumber(claims.auth_time),
      dpopJkt: tokenBinding(claims, scheme),
    };
    const nbf = typeof claims.nbf === 'number' ? claims.nbf : undefined;
    return { principal, kid: token.header.kid as string, nbf };
  }

  /** Once the server is closed: a request still in flight during shutdown must find its strategy. */
  onApplicationShutdown(): void {
    passport.unuse(this.strategyName);
  }
}
