import jsonwebtoken from 'jsonwebtoken';
import { ServiceUnavailableError } from '../common/service-unavailable.error.js';
import { BearerError, InvalidTokenError } from './bearer-errors.js';
import { RefusalReason } from './refusal-reason.js';

const { JsonWebTokenError, NotBeforeError, TokenExpiredError } = jsonwebtoken;

/**
 * jsonwebtoken's messages mapped to a reason and a short description; its own text is never echoed.
 * `iss` and `aud` are not given to it: the site's rules check them (site-selection.ts).
 */
const REFUSALS: [RegExp, RefusalReason, string][] = [
  [/^invalid signature$/, RefusalReason.BadSignature, 'bad signature'],
  [
    /^invalid algorithm$/,
    RefusalReason.UnsupportedAlgorithm,
    'unsupported algorithm; only RS256 is accepted',
  ],
  [/^jwt signature is required$/, RefusalReason.NotSigned, 'token is not signed'],
  [/^invalid (exp|nbf|iat) value/, RefusalReason.MalformedTimeClaim, 'malformed time claim'],
  [
    /^(jwt malformed|invalid token|jwt must be a string|jwt payload)/,
    RefusalReason.MalformedToken,
    'malformed token',
  ],
];

/** Turns whatever passport-jwt reports into an error the filter knows how to answer. */
export function toAuthError(error: unknown): Error {
  if (error instanceof BearerError || error instanceof ServiceUnavailableError) return error;
  if (error instanceof TokenExpiredError)
    return new InvalidTokenError(RefusalReason.TokenExpired, 'token expired');
  if (error instanceof NotBeforeError)
    return new InvalidTokenError(RefusalReason.NotYetValid, 'token not yet valid');
  if (error instanceof JsonWebTokenError) {
    const match = REFUSALS.find(([pattern]) => pattern.test(error.message));
    if (match) return new InvalidTokenError(match[1], match[2]);
  }
  return new InvalidTokenError(RefusalReason.InvalidToken, 'invalid token');
}
