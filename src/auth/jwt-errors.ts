import jsonwebtoken from 'jsonwebtoken';
import { ServiceUnavailableError } from '../common/service-unavailable.error.js';
import { BearerError, InvalidTokenError } from './bearer-errors.js';

const { JsonWebTokenError, NotBeforeError, TokenExpiredError } = jsonwebtoken;

/** jsonwebtoken's messages mapped to short descriptions; its own text is never echoed. */
const DESCRIPTIONS: [RegExp, string][] = [
  [/^invalid signature$/, 'bad signature'],
  [/^jwt audience invalid/, 'wrong audience'],
  [/^jwt issuer invalid/, 'wrong issuer'],
  [/^invalid algorithm$/, 'unsupported algorithm; only RS256 is accepted'],
  [/^jwt signature is required$/, 'token is not signed'],
  [/^invalid (exp|nbf|iat) value/, 'malformed time claim'],
  [/^(jwt malformed|invalid token|jwt must be a string|jwt payload)/, 'malformed token'],
];

/** Turns whatever passport-jwt reports into an error the filter knows how to answer. */
export function toAuthError(error: unknown): Error {
  if (error instanceof BearerError || error instanceof ServiceUnavailableError) return error;
  if (error instanceof TokenExpiredError) return new InvalidTokenError('token expired');
  if (error instanceof NotBeforeError) return new InvalidTokenError('token not yet valid');
  if (error instanceof JsonWebTokenError) {
    const match = DESCRIPTIONS.find(([pattern]) => pattern.test(error.message));
    return new InvalidTokenError(match ? match[1] : 'invalid token');
  }
  return new InvalidTokenError('invalid token');
}
