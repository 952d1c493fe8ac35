import { InvalidRequestError, MissingTokenError } from './bearer-errors.js';

/** RFC 6750 section 2.1 `b64token`. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

export interface RequestParts {
  headers: Record<string, string | string[] | undefined>;
  query?: unknown;
  body?: unknown;
}

function carriesToken(container: unknown): boolean {
  return typeof container === 'object' && container !== null && Object.hasOwn(container, 'access_token');
}

/**
 * The credential after `Authorization: Bearer`, the only place this API accepts one; every check of
 * {@link extractBearerToken} except the token's own syntax ({@link checkTokenSyntax}).
 * A token in the query (RFC 6750 2.3: leaks into logs and history) or the body is refused outright.
 */
export function bearerCredential(request: RequestParts): string {
  if (carriesToken(request.query)) {
    throw new InvalidRequestError('send the access token in the Authorization header, not the query string');
  }
  if (carriesToken(request.body)) {
    throw new InvalidRequestError('send the access token in the Authorization header, not the request body');
  }
  const header = request.headers.authorization;
  if (typeof header !== 'string' || header.trim() === '') throw new MissingTokenError();
  const space = header.indexOf(' ');
  const scheme = space === -1 ? header : header.slice(0, space);
  if (scheme.toLowerCase() !== 'bearer') throw new MissingTokenError();
  return space === -1 ? '' : header.slice(space + 1).trim();
}

/** The credential itself when it is one RFC 6750 `b64token` (no second token, quote or comma). */
export function checkTokenSyntax(credential: string): string {
  if (!B64TOKEN.test(credential)) {
    throw new InvalidRequestError('malformed Authorization header; expected Bearer followed by one token');
  }
  return credential;
}

/** The bearer token from `Authorization`, every rule checked. */
export function extractBearerToken(request: RequestParts): string {
  return checkTokenSyntax(bearerCredential(request));
}

/** For passport-jwt, which only runs after the guard has already extracted and checked the token. */
export function bearerTokenOrNull(request: RequestParts): string | null {
  try {
    return extractBearerToken(request);
  } catch {
    return null;
  }
}
