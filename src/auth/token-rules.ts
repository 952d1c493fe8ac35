import { InvalidTokenError, type AuthScheme } from './bearer-errors.js';
import { tokenBinding } from './dpop/token-binding.js';
import { RefusalReason } from './refusal-reason.js';

/**
 * Checks `jsonwebtoken` does not make, kept as plain functions so each is unit-tested: the token's
 * shape and header rules (before any key lookup) and payload rules (after the signature verifies).
 */

export interface TokenHeader {
  alg: 'RS256';
  kid: string;
}

/** `typ` values of tokens this API accepts: plain JWT and RFC 9068 access tokens. */
const ACCEPTED_TYPES = new Set(['jwt', 'at+jwt', 'jose']);

function decodeSegment(segment: string): unknown {
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Seconds a time claim may be from the epoch, either way: a Date holds at most 8.64e15 ms, so a
 * larger `exp` could not be rendered as `expiresAt` (and is no time an issuer meant).
 */
export const MAX_TIME_CLAIM_SECONDS = 8.64e12;

const TIME_CLAIMS = ['exp', 'nbf', 'iat'] as const;

/**
 * Each of `exp`, `nbf` and `iat` that is present is a finite number within the range of a Date:
 * a string, null, a boolean, an array or 1e400 (which JSON.parse reads as Infinity) is malformed.
 * Whether `exp` is present, and what the times say, are {@link checkPayload}'s rules.
 */
export function checkTimeClaims(claims: Record<string, unknown>): void {
  for (const name of TIME_CLAIMS) {
    const value = claims[name];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !(Math.abs(value) <= MAX_TIME_CLAIM_SECONDS)) {
      throw new InvalidTokenError(RefusalReason.MalformedTimeClaim, 'malformed time claim');
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads and checks a compact JWS before any key lookup, trusting nothing in it but `kid`: the JOSE
 * header's rules, and that the payload is a JSON object whose time claims are well-formed (which
 * jsonwebtoken does not check: it reports a payload that is not an object as a wrong audience,
 * and a far-future `nbf` as not yet valid).
 */
export function readHeader(token: string): TokenHeader {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] === '')
    throw new InvalidTokenError(RefusalReason.MalformedToken, 'malformed token');
  const header = decodeSegment(parts[0]);
  if (!isObject(header)) throw new InvalidTokenError(RefusalReason.MalformedToken, 'malformed token header');
  const { alg, kid, typ, crit } = header;
  // RFC 7519 6.1: an unsecured JWT, whether or not something follows the last dot.
  if (typeof alg === 'string' && alg.toLowerCase() === 'none') {
    throw new InvalidTokenError(RefusalReason.NotSigned, 'token is not signed');
  }
  if (parts[1] === '' || parts[2] === '')
    throw new InvalidTokenError(RefusalReason.MalformedToken, 'malformed token');
  // Only RS256: never `none`, never HMAC (which would let the public key act as a shared secret).
  if (alg !== 'RS256')
    throw new InvalidTokenError(
      RefusalReason.UnsupportedAlgorithm,
      'unsupported algorithm; only RS256 is accepted',
    );
  // RFC 7515 4.1.11: a recipient must refuse a token whose `crit` names extensions it does not
  // understand, and this API understands none.
  if (crit !== undefined)
    throw new InvalidTokenError(RefusalReason.UnsupportedCriticalHeader, 'unsupported critical header');
  if (typ !== undefined) {
    const type = typeof typ === 'string' ? typ.toLowerCase().replace(/^application\//, '') : '';
    if (!ACCEPTED_TYPES.has(type))
      throw new InvalidTokenError(
        RefusalReason.WrongTokenType,
        'wrong token type; an access token is required',
      );
  }
  if (typeof kid !== 'string' || kid === '')
    throw new InvalidTokenError(RefusalReason.NoKeyId, 'token has no key id');
  // `jku`, `x5u`, `jwk` and `x5c` are deliberately ignored: keys come only from the issuer's JWKS.
  const payload = decodeSegment(parts[1]);
  if (!isObject(payload))
    throw new InvalidTokenError(RefusalReason.MalformedToken, 'malformed token payload');
  checkTimeClaims(payload);
  return { alg, kid };
}

/** C0 controls, DEL and C1 controls. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

export interface PayloadRules {
  clientIds: readonly string[];
  clockToleranceSeconds: number;
  /** The scheme the token came under (default Bearer): it decides what `cnf` may be. */
  scheme?: AuthScheme;
}

/** Claims rules after signature, `iss`, `aud`, `exp` and `nbf` have been checked by jsonwebtoken. */
export function checkPayload(
  payload: unknown,
  rules: PayloadRules,
  nowSeconds: number,
): Record<string, unknown> {
  if (!isObject(payload))
    throw new InvalidTokenError(RefusalReason.MalformedToken, 'malformed token payload');
  const claims = payload;
  // Again here, so that this function alone holds every claim rule (readHeader checked it first).
  checkTimeClaims(claims);
  const { sub, cid } = claims;
  // Each a number within the range of a Date, or absent.
  const exp = claims.exp as number | undefined;
  const nbf = claims.nbf as number | undefined;
  const iat = claims.iat as number | undefined;
  const tolerance = rules.clockToleranceSeconds;
  // jsonwebtoken accepts a token with no `exp` at all; an access token must expire.
  if (exp === undefined) throw new InvalidTokenError(RefusalReason.NoExpiry, 'token has no expiry');
  if (exp + tolerance <= nowSeconds) throw new InvalidTokenError(RefusalReason.TokenExpired, 'token expired');
  if (nbf !== undefined && nbf - tolerance > nowSeconds)
    throw new InvalidTokenError(RefusalReason.NotYetValid, 'token not yet valid');
  if (iat !== undefined && iat - tolerance > nowSeconds) {
    throw new InvalidTokenError(RefusalReason.IssuedInFuture, 'token issued in the future');
  }
  if (typeof sub !== 'string' || sub.trim() === '')
    throw new InvalidTokenError(RefusalReason.NoSubject, 'token has no subject');
  // `sub` is the owner of stored messages and is written to logs: no control characters in it.
  if (CONTROL_CHARACTER.test(sub))
    throw new InvalidTokenError(RefusalReason.MalformedSubject, 'malformed subject');
  // RFC 9449 6 / RFC 8705 3: a token bound to a key (DPoP or mTLS) is only valid with proof of
  // that key; accepted as a plain bearer token, a stolen one would work without it.
  tokenBinding(claims, rules.scheme ?? 'bearer');
  if (rules.clientIds.length > 0 && (typeof cid !== 'string' || !rules.clientIds.includes(cid))) {
    throw new InvalidTokenError(
      RefusalReason.ClientNotAllowed,
      'token was issued to a client this API does not accept',
    );
  }
  return claims;
}
