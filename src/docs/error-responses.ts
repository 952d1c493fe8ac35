import type { ApiResponseOptions } from '@nestjs/swagger';
import { ErrorModel } from './api-models.js';
import { DPOP_401_EXAMPLES, DPOP_CHALLENGES, DPOP_NONCE_HEADER } from './dpop-docs.js';
import { example, examples, header } from './error-examples.js';

const WWW_AUTHENTICATE = header(
  'RFC 6750 challenge: `Bearer realm="api"` alone when no token was sent; with `error="invalid_request"`, ' +
    '`error="invalid_token"` (and `error_description`) or `error="insufficient_scope"` (and `scope`) otherwise; ' +
    'for an admin action whose sign-in is not strong or recent enough (RFC 9470), ' +
    '`error="insufficient_user_authentication"` with `acr_values` and/or `max_age`. ' +
    DPOP_CHALLENGES,
);
const RETRY_AFTER = header('Seconds to wait before trying again');

const BAD_REQUEST = example(400);
const UNAUTHORIZED = example(401);
const FORBIDDEN = example(403);
const UNAVAILABLE = example(503);

const SCOPE_MISSING = FORBIDDEN(
  'this request needs the scope messages:write',
  'insufficient_scope: the token lacks a scope the route needs (`WWW-Authenticate` names it)',
);
const GROUP_MISSING = FORBIDDEN(
  'this request needs membership in one of these groups: Admins',
  'The caller is in none of the groups the route needs (no `WWW-Authenticate`: not a token problem)',
);

/** The contract's error responses (RFC 6750 for token problems), one example per case. */
export const ERROR_RESPONSES = {
  400: {
    status: 400,
    description:
      'Invalid body or query (the message names each bad field), or a token sent outside the Authorization header',
    headers: {
      'WWW-Authenticate': header(
        'Only for a token problem: `Bearer realm="api", error="invalid_request", error_description="…"`',
      ),
    },
    examples: examples(
      [
        'validation',
        BAD_REQUEST(
          'limit must be a whole number from 1 to 100; property foo should not exist',
          'Invalid body or query: each bad field is named (no `WWW-Authenticate`)',
        ),
      ],
      [
        'invalid_request',
        BAD_REQUEST(
          'send the access token in the Authorization header, not the query string',
          'invalid_request: a token in the query string or body, or a malformed Authorization header',
        ),
      ],
    ),
  },
  401: {
    status: 401,
    description:
      'No token, the token is invalid or revoked, or its DPoP proof is invalid; `WWW-Authenticate` says which',
    headers: { 'WWW-Authenticate': WWW_AUTHENTICATE, 'DPoP-Nonce': DPOP_NONCE_HEADER },
    examples: examples(
      [
        'no_token',
        UNAUTHORIZED(
          'a bearer access token is required',
          'No credentials, or another scheme: `Bearer realm="api", DPoP algs="RS256 ES256"`',
        ),
      ],
      [
        'expired',
        UNAUTHORIZED(
          'token expired',
          'invalid_token: `error="invalid_token", error_description="token expired"`',
        ),
      ],
      ['wrong_audience', UNAUTHORIZED('wrong audience', 'invalid_token: issued for another API (`aud`)')],
      ['bad_signature', UNAUTHORIZED('bad signature', 'invalid_token: not signed by the issuer’s keys')],
      [
        'step_up',
        UNAUTHORIZED(
          'this action needs a stronger sign-in (acr not accepted)',
          'insufficient_user_authentication (admin actions only): sign in again with the `acr_values` and `max_age` of the challenge',
        ),
      ],
      ...DPOP_401_EXAMPLES,
    ),
  },
  403: {
    status: 403,
    description:
      'The token lacks a required scope (`WWW-Authenticate: Bearer realm="api", error="insufficient_scope", scope="…"`; under DPoP a `DPoP` challenge)',
    headers: { 'WWW-Authenticate': WWW_AUTHENTICATE },
    examples: examples(['insufficient_scope', SCOPE_MISSING]),
  },
  '403 group': {
    status: 403,
    description:
      'The token lacks a required scope (`insufficient_scope`, with `WWW-Authenticate`), or the caller is in none of the required groups (no `WWW-Authenticate`)',
    headers: {
      'WWW-Authenticate': header(
        'Only for a missing scope: `Bearer realm="api", error="insufficient_scope", scope="…"`',
      ),
    },
    examples: examples(['insufficient_scope', SCOPE_MISSING], ['group', GROUP_MISSING]),
  },
  404: {
    status: 404,
    description: 'No such message, or not one the caller may see',
    examples: examples([
      'not_found',
      {
        summary: 'Not found, or someone else’s message',
        status: 404,
        error: 'Not Found',
        message: 'message not found',
      },
    ]),
  },
  429: {
    status: 429,
    description: 'Rate limit exceeded; `Retry-After` says when to retry',
    headers: { 'Retry-After': RETRY_AFTER },
    examples: examples(
      [
        'caller',
        {
          summary: 'This caller (`sub`) sent too many requests',
          status: 429,
          error: 'Too Many Requests',
          message: 'too many requests; try again later',
        },
      ],
      [
        'refused',
        {
          summary: 'Too many refused requests from this address',
          status: 429,
          error: 'Too Many Requests',
          message: 'too many refused requests from this address; try again later',
        },
      ],
    ),
  },
  503: {
    status: 503,
    description:
      'The signing keys, the database or the issuer’s introspection are unavailable; `Retry-After` is set',
    headers: { 'Retry-After': RETRY_AFTER },
    examples: examples(
      [
        'keys',
        UNAVAILABLE(
          'the signing keys could not be fetched from the issuer',
          'The token’s key is unknown and the issuer cannot be reached',
        ),
      ],
      [
        'database',
        UNAVAILABLE('the database is unavailable; try again shortly', 'The database cannot be reached'),
      ],
    ),
  },
} satisfies Record<string, ApiResponseOptions>;

export type ErrorCase = keyof typeof ERROR_RESPONSES;

/** The response for one case, with the contract's body schema. */
export function errorResponse(errorCase: ErrorCase): ApiResponseOptions {
  return { ...ERROR_RESPONSES[errorCase], type: ErrorModel };
}
