import { InvalidRequestError, MissingTokenError } from './bearer-errors.js';
import { RefusalReason } from './refusal-reason.js';

/** RFC 6750 section 2.1 `b64token`. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

export interface RequestParts {
  headers: Record<string, string | string[] | undefined>;
  query?: unknown;
  body?: unknown;
  /** Fastify's Node request: its `rawHeaders` still hold every field Node merged or dropped. */
  raw?: { rawHeaders?: readonly string[] };
}

/**
 * More than one `Authorization` field. Node keeps the first and drops the others from `headers`, so
 * only the raw list (names at even indexes) shows them.
 */
function hasSeveralAuthorizations(rawHeaders: readonly string[] | undefined): boolean {
  const names = (rawHeaders ?? []).filter((name, i) => i % 2 === 0 && name.toLowerCase() === 'authorization');
  return names.length > 1;
}

/** `Bearer` then whitespace other than SP (RFC 6750 2.1 allows only `1*SP`): the scheme, malformed. */
const BEARER_THEN_OTHER_SPACE = /^bearer\s/i;

const MALFORMED_SEPARATOR =
  'malformed Authorization header; expected Bearer, one or more spaces, then the token';

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
    throw new InvalidRequestError(
      RefusalReason.TokenInQuery,
      'send the access token in the Authorization header, not the query string',
    );
  }
  if (carriesToken(request.body)) {
    throw new InvalidRequestError(
      RefusalReason.TokenInBody,
      'send the access token in the Authorization header, not the request body',
    );
  }
  const header = request.headers.authorization;
  // Without a first Authorization there is no second one to look for.
  if (header !== undefined && hasSeveralAuthorizations(request.raw?.rawHeaders)) {
    throw new InvalidRequestError(
      RefusalReason.MalformedHeader,
      'malformed Authorization header; send it once, not several times',
    );
  }
  if (typeof header !== 'string' || header.trim() === '') throw new MissingTokenError();
  const space = header.indexOf(' ');
  const scheme = space === -1 ? header : header.slice(0, space);
  if (scheme.toLowerCase() !== 'bearer') {
    if (BEARER_THEN_OTHER_SPACE.test(scheme))
      throw new InvalidRequestError(RefusalReason.MalformedHeader, MALFORMED_SEPARATOR);
    throw new MissingTokenError();
  }
  if (space === -1) return '';
  let start = space + 1;
  while (header.charCodeAt(start) === 0x20) start += 1;
  // A tab or another space after the spaces is no token character: checkTokenSyntax refuses it.
  return header.slice(start).trimEnd();
}

/** The credential itself when it is one RFC 6750 `b64token` (no second token, quote or comma). */
export function checkTokenSyntax(credential: string): string {
  if (!B64TOKEN.test(credential)) {
    throw new InvalidRequestError(
      RefusalReason.MalformedHeader,
      'malformed Authorization header; expected Bearer followed by one token',
    );
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
