import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Jwt } from 'jsonwebtoken';
import { Strategy, type SecretOrKeyProvider } from 'passport-jwt';
import { APP_CONFIG, type ResolvedConfig } from '../config/app-config.js';
import { bearerTokenOrNull } from './bearer-token.js';
import { hasAny, optionalString, readGroups, readScopes } from './claims.js';
import type { VerifiedToken } from './principal.js';
import { SigningKeysService } from './signing-keys.service.js';
import { checkPayload, readHeader } from './token-rules.js';

export const OKTA_JWT = 'okta-jwt';

/**
 * Full verification of an Okta access token: header rules, key by `kid` from the issuer's JWKS,
 * RS256 signature, `iss`, `aud`, `exp`, `nbf` (jsonwebtoken), then the payload rules it lacks.
 */
@Injectable()
export class OktaJwtStrategy extends PassportStrategy(Strategy, OKTA_JWT) {
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
            // jsonwebtoken takes a parsed KeyObject as is, which spares a PEM parse per token;
            // passport-jwt's typings only know strings and buffers.
            (key) => done(null, key as unknown as string),
            (error: unknown) => done(error),
          )
          // jsonwebtoken verifies inside `done`: were it to throw (it did on a `null` payload, before
          // readHeader refused those), the request would otherwise never be answered.
          .catch((error: unknown) => done(error));
      }) satisfies SecretOrKeyProvider,
      algorithms: ['RS256'],
      issuer: config.okta.issuer,
      audience: config.okta.audiences,
      jsonWebTokenOptions: { complete: true, clockTolerance: config.okta.clockToleranceSeconds },
    });
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
    };
    const nbf = typeof claims.nbf === 'number' ? claims.nbf : undefined;
    return { principal, kid: token.header.kid as string, nbf };
  }
}
