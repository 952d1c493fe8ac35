import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Jwt } from 'jsonwebtoken';
import passport from 'passport';
import { Strategy, type SecretOrKeyProvider } from 'passport-jwt';
import { APP_CONFIG, type ResolvedConfig } from '../config/app-config.js';
import { bearerTokenOrNull } from './bearer-token.js';
import { hasAny, optionalNumber, optionalString, readGroups, readScopes } from './claims.js';
import type { VerifiedToken } from './principal.js';
import { SigningKeysService } from './signing-keys.service.js';
import { checkPayload, readHeader } from './token-rules.js';

export const OKTA_JWT = 'okta-jwt';

let strategies = 0;

/**
 * Full verification of an Okta access token: header rules, key by `kid` from the issuer's JWKS,
 * RS256 signature, `iss`, `aud`, `exp`, `nbf` (jsonwebtoken), then the payload rules it lacks.
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
      jwtFromRequest: bearerTokenOrNull,
      secretOrKeyProvider: ((
        _request: unknown,
        rawJwt: string,
        done: (error: unknown, key?: string) => void,
      ) => {
        let kid: string;
        try {
          kid = readHeader(rawJwt).kid;
        } catch (error) {
          return done(error);
        }
        keys
          .keyFor(kid)
          .then(
            // jsonwebtoken takes a KeyObject as is; passport-jwt's typings only know strings and buffers.
            (key) => done(null, key as unknown as string),
            (error: unknown) => done(error),
          )
          // jsonwebtoken verifies inside `done`: should it throw, the request must still be answered.
          .catch((error: unknown) => done(error));
      }) satisfies SecretOrKeyProvider,
      algorithms: ['RS256'],
      issuer: config.okta.issuer,
      audience: config.okta.audiences,
      jsonWebTokenOptions: { complete: true, clockTolerance: config.okta.clockToleranceSeconds },
    });
    passport.use(this.strategyName, this);
  }

  validate(token: Jwt): VerifiedToken {
    const claims = checkPayload(token.payload, this.config.okta, Date.now() / 1000);
    const groups = readGroups(claims, this.config.okta.groupsClaim);
    const principal = {
      sub: claims.sub as string,
      uid: optionalString(claims.uid),
      cid: optionalString(claims.cid),
      scopes: readScopes(claims),
      groups,
      isAdmin: hasAny(groups, this.config.adminGroups),
      exp: claims.exp as number,
      acr: optionalString(claims.acr),
      authTime: optionalNumber(claims.auth_time),
    };
    const nbf = typeof claims.nbf === 'number' ? claims.nbf : undefined;
    return { principal, kid: token.header.kid as string, nbf };
  }

  /** Once the server is closed: a request still in flight during shutdown must find its strategy. */
  onApplicationShutdown(): void {
    passport.unuse(this.strategyName);
  }
}
