import { BadRequestException, ForbiddenException, NotFoundException } from '@nestjs/common';
import {
  InsufficientScopeError,
  InsufficientUserAuthenticationError,
  InvalidRequestError,
  InvalidTokenError,
  MissingTokenError,
} from '../auth/bearer-errors.js';
import { InvalidDpopProofError, UseDpopNonceError } from '../auth/dpop/dpop-errors.js';
import { RefusalReason } from '../auth/refusal-reason.js';
import { MissingGroupError } from '../auth/guards/groups.guard.js';
import { describeError } from './describe-error.js';
import { ServiceUnavailableError } from './service-unavailable.error.js';

describe('describeError', () => {
  it('answers no credentials with 401 and a bare challenge for each scheme (RFC 6750 3, RFC 9449 7.1)', () => {
    expect(describeError(new MissingTokenError())).toEqual({
      status: 401,
      message: 'a bearer access token is required',
      headers: { 'WWW-Authenticate': 'Bearer realm="api", DPoP algs="RS256 ES256"' },
      refusal: { code: 'missing_token', reason: RefusalReason.MissingToken },
    });
  });

  it('answers invalid_request with 400 and its description', () => {
    expect(
      describeError(new InvalidRequestError(RefusalReason.TokenInQuery, 'token in the query string')),
    ).toEqual({
      status: 400,
      message: 'token in the query string',
      headers: {
        'WWW-Authenticate':
          'Bearer realm="api", error="invalid_request", error_description="token in the query string"',
      },
      refusal: { code: 'invalid_request', reason: RefusalReason.TokenInQuery },
    });
  });

  it('answers invalid_token with 401 and its description', () => {
    const { status, headers } = describeError(
      new InvalidTokenError(RefusalReason.TokenExpired, 'token expired'),
    );
    expect(status).toBe(401);
    expect(headers).toEqual({
      'WWW-Authenticate': 'Bearer realm="api", error="invalid_token", error_description="token expired"',
    });
  });

  it('never puts a quote or backslash inside error_description', () => {
    const { headers } = describeError(new InvalidTokenError(RefusalReason.InvalidToken, 'bad "kid" \\ here'));
    const description = /error_description="(.*)"$/.exec(headers['WWW-Authenticate'])![1];
    expect(description).not.toMatch(/["\\]/);
  });

  it('answers insufficient_scope with 403 and the scopes needed', () => {
    const { status, headers } = describeError(
      new InsufficientScopeError(['messages:read', 'messages:write']),
    );
    expect(status).toBe(403);
    expect(headers).toEqual({
      'WWW-Authenticate':
        'Bearer realm="api", error="insufficient_scope", scope="messages:read messages:write"',
    });
  });

  describe('insufficient_user_authentication (RFC 9470 step-up)', () => {
    const stepUp = (acrValues: string[], maxAgeSeconds: number | undefined) =>
      describeError(
        new InsufficientUserAuthenticationError(
          RefusalReason.AcrNotAccepted,
          'this action needs a stronger sign-in (acr not accepted)',
          { acrValues, maxAgeSeconds },
        ),
      );

    it('answers 401 with the acr values, space-separated, and the reason for logs and metrics', () => {
      expect(stepUp(['urn:okta:loa:2fa:any', 'urn:okta:loa:2fa:any:ifpossible'], undefined)).toEqual({
        status: 401,
        message: 'this action needs a stronger sign-in (acr not accepted)',
        headers: {
          'WWW-Authenticate':
            'Bearer realm="api", error="insufficient_user_authentication", ' +
            'error_description="this action needs a stronger sign-in (acr not accepted)", ' +
            'acr_values="urn:okta:loa:2fa:any urn:okta:loa:2fa:any:ifpossible"',
        },
        refusal: { code: 'insufficient_user_authentication', reason: RefusalReason.AcrNotAccepted },
      });
    });

    it('names max_age alone, or both when both are required', () => {
      expect(stepUp([], 300).headers['WWW-Authenticate']).toMatch(
        /error_description="[^"]+", max_age="300"$/,
      );
      expect(stepUp(['urn:okta:loa:2fa:any'], 300).headers['WWW-Authenticate']).toMatch(
        /, acr_values="urn:okta:loa:2fa:any", max_age="300"$/,
      );
    });
  });

  it('answers a missing group with 403, no challenge, and the insufficient_group reason', () => {
    expect(describeError(new MissingGroupError('needs one of: Admins'))).toEqual({
      status: 403,
      message: 'needs one of: Admins',
      headers: {},
      refusal: { code: 'insufficient_group', reason: RefusalReason.InsufficientGroup },
    });
    expect(describeError(new ForbiddenException('forbidden')).refusal).toBeUndefined();
  });

  it('answers ServiceUnavailableError with 503 and Retry-After', () => {
    expect(describeError(new ServiceUnavailableError('signing keys unavailable', 7))).toEqual({
      status: 503,
      message: 'signing keys unavailable',
      headers: { 'Retry-After': '7' },
    });
  });

  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    ['a busy SQLite', Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' })],
    ['a terminated connection', new Error('Connection terminated unexpectedly')],
  ])('answers %s with 503 and Retry-After, hiding the driver text', (_name, error) => {
    const { status, message, headers } = describeError(error);
    expect(status).toBe(503);
    expect(message).not.toContain(error.message);
    expect(headers['Retry-After']).toMatch(/^\d+$/);
  });

  it('keeps the message of Nest HTTP exceptions, joining validation lists', () => {
    expect(describeError(new NotFoundException('message not found')).message).toBe('message not found');
    const validation = new BadRequestException({ message: ['text must be a string', 'limit is bad'] });
    expect(describeError(validation)).toEqual({
      status: 400,
      message: 'text must be a string; limit is bad',
      headers: {},
    });
  });

  it('maps framework 4xx errors to fixed messages that never quote the request', () => {
    const parse = Object.assign(new SyntaxError('Unexpected token } in JSON: {"secret"'), {
      statusCode: 400,
    });
    expect(describeError(parse)).toEqual({ status: 400, message: 'malformed request body', headers: {} });
    const media = Object.assign(new Error('Unsupported Media Type: text/xml'), { statusCode: 415 });
    expect(describeError(media).status).toBe(415);
    expect(describeError(media).message).not.toContain('text/xml');
  });

  it('hides every detail of an unexpected error behind a 500', () => {
    const error = new Error('SELECT * FROM messages failed at /srv/app/dist/x.js:12 token=eyJabc');
    const unexpected = { status: 500, message: 'internal server error', headers: {}, fault: 'unexpected' };
    expect(describeError(error)).toEqual(unexpected);
    expect(describeError('a thrown string')).toEqual(unexpected);
    expect(describeError(Object.assign(new Error('x'), { statusCode: 502 })).status).toBe(500);
  });

  describe('under the DPoP scheme (RFC 9449 7.1)', () => {
    const DPOP = 'DPoP algs="RS256 ES256"';

    it('answers a bad proof with invalid_dpop_proof in a DPoP challenge, and its own reason', () => {
      const error = new InvalidDpopProofError(RefusalReason.DpopReplayed, 'DPoP proof was already used');
      expect(describeError(error, 'dpop')).toEqual({
        status: 401,
        message: 'DPoP proof was already used',
        headers: {
          'WWW-Authenticate': `${DPOP}, error="invalid_dpop_proof", error_description="DPoP proof was already used"`,
        },
        refusal: { code: 'invalid_dpop_proof', reason: RefusalReason.DpopReplayed },
      });
    });

    it('answers use_dpop_nonce with a fresh DPoP-Nonce', () => {
      const error = new UseDpopNonceError(RefusalReason.DpopNonceMissing, 'needs a nonce', 'n0nce');
      expect(describeError(error, 'dpop').headers).toEqual({
        'WWW-Authenticate': `${DPOP}, error="use_dpop_nonce", error_description="needs a nonce"`,
        'DPoP-Nonce': 'n0nce',
      });
    });

    it('answers token, scope and step-up errors in a DPoP challenge', () => {
      const token = describeError(new InvalidTokenError(RefusalReason.TokenExpired, 'token expired'), 'dpop');
      expect(token.headers['WWW-Authenticate']).toBe(
        `${DPOP}, error="invalid_token", error_description="token expired"`,
      );
      const scope = describeError(new InsufficientScopeError(['messages:read']), 'dpop');
      expect(scope.headers['WWW-Authenticate']).toBe(
        `${DPOP}, error="insufficient_scope", scope="messages:read"`,
      );
      const stepUp = new InsufficientUserAuthenticationError(RefusalReason.AcrMissing, 'no acr', {
        acrValues: ['urn:okta:loa:2fa:any'],
        maxAgeSeconds: undefined,
      });
      expect(describeError(stepUp, 'dpop').headers['WWW-Authenticate']).toBe(
        `${DPOP}, error="insufficient_user_authentication", error_description="no acr", acr_values="urn:okta:loa:2fa:any"`,
      );
    });

    it('keeps Bearer answers as they were when the scheme is Bearer or unknown', () => {
      const error = new InvalidTokenError(RefusalReason.TokenExpired, 'token expired');
      const bearer = 'Bearer realm="api", error="invalid_token", error_description="token expired"';
      expect(describeError(error, 'bearer').headers['WWW-Authenticate']).toBe(bearer);
      expect(describeError(error).headers['WWW-Authenticate']).toBe(bearer);
    });

    it('offers only the DPoP challenge when DPOP_REQUIRED refuses Bearer', () => {
      const error = new MissingTokenError(['dpop'], RefusalReason.DpopRequired, 'use DPoP');
      expect(describeError(error, 'bearer')).toEqual({
        status: 401,
        message: 'use DPoP',
        headers: { 'WWW-Authenticate': DPOP },
        refusal: { code: 'missing_token', reason: RefusalReason.DpopRequired },
      });
    });
  });
});
