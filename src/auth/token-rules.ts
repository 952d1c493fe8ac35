import { InvalidTokenError } from './bearer-errors.js';

/**
 * Checks `jsonwebtoken` does not make, kept as plain functions so each is unit-tested:
 * header rules (before any key lookup) and payload rules (after the signature verifies).
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

/** Reads and checks the JOSE header of a compact JWS without trusting anything in it but `kid`. */
export function readHeader(token: string): TokenHeader {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((part) => part === '')) {
    throw new InvalidTokenError('malformed token');
  }
  const header = decodeSegment(parts[0]);
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new InvalidTokenError('malformed token header');
  }
  const { alg, kid, typ, crit } = header as Record<string, unknown>;
  // Only RS256: never `none`, never HMAC (which would let the public key act as a shared secret).
  if (alg !== 'RS256') throw new InvalidTokenError('unsupported algorithm; only RS256 is accepted');
  // RFC 7515 4.1.11: a recipient must refuse a token whose `crit` names extensions it does not
  // understand, and this API understands none.
  if (crit !== undefined) throw new InvalidTokenError('unsupported critical header');
  if (typ !== undefined) {
    const type = typeof typ === 'string' ? typ.toLowerCase().replace(/^application\//, '') : '';
    if (!ACCEPTED_TYPES.has(type))
      throw new InvalidTokenError('wrong token type; an access token is required');
  }
  if (typeof kid !== 'string' || kid === '') throw new InvalidTokenError('token has no key id');
  // `jku`, `x5u`, `jwk` and `x5c` are deliberately ignored: keys come only from the issuer's JWKS.
  return { alg, kid };
}

export interface PayloadRules {
  clientIds: readonly string[];
  clockToleranceSeconds: number;
}

/** Claims rules after signature, `iss`, `aud`, `exp` and `nbf` have been checked by jsonwebtoken. */
export function checkPayload(
  payload: unknown,
  rules: PayloadRules,
  nowSeconds: number,
): Record<string, unknown> {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new InvalidTokenError('malformed token payload');
  }
  const claims = payload as Record<string, unknown>;
  const { exp, nbf, iat, sub, cid } = claims;
  const tolerance = rules.clockToleranceSeconds;
  // jsonwebtoken accepts a token with no `exp` at all; an access token must expire.
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw new InvalidTokenError('token has no expiry');
  if (exp + tolerance <= nowSeconds) throw new InvalidTokenError('token expired');
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf - tolerance > nowSeconds)) {
    throw new InvalidTokenError('token not yet valid');
  }
  if (iat !== undefined && (typeof iat !== 'number' || iat - tolerance > nowSeconds)) {
    throw new InvalidTokenError('token issued in the future');
  }
  if (typeof sub !== 'string' || sub === '') throw new InvalidTokenError('token has no subject');
  if (rules.clientIds.length > 0 && (typeof cid !== 'string' || !rules.clientIds.includes(cid))) {
    throw new InvalidTokenError('token was issued to a client this API does not accept');
  }
  return claims;
}
