import { BadRequestException, ForbiddenException, NotFoundException } from '@nestjs/common';
import {
  InsufficientScopeError,
  InvalidRequestError,
  InvalidTokenError,
  MissingTokenError,
} from '../auth/bearer-errors.js';
import { HttpErrorFilter } from './http-error.filter.js';
import { ServiceUnavailableError } from './service-unavailable.error.js';

describe('HttpErrorFilter.describe', () => {
  const filter = new HttpErrorFilter();
  // The 500 case logs the stack on purpose; keep the test output quiet.
  beforeAll(() => {
    (filter as unknown as { logger: { error(): void; warn(): void } }).logger = { error() {}, warn() {} };
  });

  it('answers no credentials with 401 and a bare Bearer challenge (RFC 6750 3)', () => {
    expect(filter.describe(new MissingTokenError())).toEqual({
      status: 401,
      message: 'a bearer access token is required',
      headers: { 'WWW-Authenticate': 'Bearer realm="api"' },
    });
  });

  it('answers invalid_request with 400 and its description', () => {
    expect(filter.describe(new InvalidRequestError('token in the query string'))).toEqual({
      status: 400,
      message: 'token in the query string',
      headers: {
        'WWW-Authenticate':
          'Bearer realm="api", error="invalid_request", error_description="token in the query string"',
      },
    });
  });

  it('answers invalid_token with 401 and its description', () => {
    const { status, headers } = filter.describe(new InvalidTokenError('token expired'));
    expect(status).toBe(401);
    expect(headers).toEqual({
      'WWW-Authenticate': 'Bearer realm="api", error="invalid_token", error_description="token expired"',
    });
  });

  it('never puts a quote or backslash inside error_description', () => {
    const { headers } = filter.describe(new InvalidTokenError('bad "kid" \\ here'));
    const description = /error_description="(.*)"$/.exec(headers['WWW-Authenticate'])![1];
    expect(description).not.toMatch(/["\\]/);
  });

  it('answers insufficient_scope with 403 and the scopes needed', () => {
    const { status, headers } = filter.describe(
      new InsufficientScopeError(['messages:read', 'messages:write']),
    );
    expect(status).toBe(403);
    expect(headers).toEqual({
      'WWW-Authenticate':
        'Bearer realm="api", error="insufficient_scope", scope="messages:read messages:write"',
    });
  });

  it('answers a missing group with 403 and no challenge', () => {
    expect(filter.describe(new ForbiddenException('needs one of: Admins'))).toEqual({
      status: 403,
      message: 'needs one of: Admins',
      headers: {},
    });
  });

  it('answers ServiceUnavailableError with 503 and Retry-After', () => {
    expect(filter.describe(new ServiceUnavailableError('signing keys unavailable', 7))).toEqual({
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
    const { status, message, headers } = filter.describe(error);
    expect(status).toBe(503);
    expect(message).not.toContain(error.message);
    expect(headers['Retry-After']).toMatch(/^\d+$/);
  });

  it('keeps the message of Nest HTTP exceptions, joining validation lists', () => {
    expect(filter.describe(new NotFoundException('message not found')).message).toBe('message not found');
    const validation = new BadRequestException({ message: ['text must be a string', 'limit is bad'] });
    expect(filter.describe(validation)).toEqual({
      status: 400,
      message: 'text must be a string; limit is bad',
      headers: {},
    });
  });

  it('maps framework 4xx errors to fixed messages that never quote the request', () => {
    const parse = Object.assign(new SyntaxError('Unexpected token } in JSON: {"secret"'), {
      statusCode: 400,
    });
    expect(filter.describe(parse)).toEqual({ status: 400, message: 'malformed request body', headers: {} });
    const media = Object.assign(new Error('Unsupported Media Type: text/xml'), { statusCode: 415 });
    expect(filter.describe(media).status).toBe(415);
    expect(filter.describe(media).message).not.toContain('text/xml');
  });

  it('hides every detail of an unexpected error behind a 500', () => {
    const error = new Error('SELECT * FROM messages failed at /srv/app/dist/x.js:12 token=eyJabc');
    expect(filter.describe(error)).toEqual({ status: 500, message: 'internal server error', headers: {} });
    expect(filter.describe('a thrown string')).toEqual({
      status: 500,
      message: 'internal server error',
      headers: {},
    });
    expect(filter.describe(Object.assign(new Error('x'), { statusCode: 502 })).status).toBe(500);
  });
});
