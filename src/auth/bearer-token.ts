import { InvalidRequestError, MissingTokenError, type AuthScheme } from './bearer-errors.js';
import { RefusalReason } from './refusal-reason.js';

/** RFC 6750 section 2.1 `b64token` (RFC 9449 7.1's `token68` for DPoP is the same). */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

export interface RequestParts {
  headers: Record<string, string | string[] | undefined>;
  query?: unknown;
  body?: unknown;
  /** Fastify's Node request: its `rawHeaders` still hold every field Node merged or dropped. */
  raw?: { rawHeaders?: readonly string[] };
}

/** The access token and the scheme it came under. */
export interface Credential {
  scheme: AuthScheme;
  token: string;
}

const SCHEME_NAMES: Record<AuthScheme, string> = { bearer: 'Bearer', dpop: 'DPoP' };

/**
 * How many fields named `name` (lower case) the request has. Node keeps the first `Authorization`
 * and drops the others from `headers` (and joins repeated unknown fields), so only the raw list
 * (names at even indexes) shows them.
 */
export function countRawHeaders(request: RequestParts, name: string): number {
  const rawHeaders = request.raw?.rawHeaders ?? [];
  return rawHeaders.filter((field, i) => i % 2 === 0 && field.toLowerCase() === name).length;
}

/** A scheme then whitespace other than SP (RFC 6750 2.1 allows only `1*SP`): the scheme, malformed. */
const SCHEME_THEN_OTHER_SPACE = /^(bearer|dpop)\s/i;

function malformedSeparator(scheme: string): string {
  return `malformed Authorization header; expected ${scheme}, one or more spaces, then the token`;
}

function carriesToken(container: unknown): boolean {
  return typeof container === 'object' && container !== null && Object.hasOwn(container, 'access_token');
}

/** `bearer` or `dpop` when `Authorization` starts with that scheme (any case), else undefined. */
export function authorizationScheme(request: RequestParts): AuthScheme | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const scheme = /^(bearer|dpop)(?![^\s])/i.exec(header)?.[1]?.toLowerCase();
  return scheme as AuthScheme | undefined;
}

/**
 * The credential after `Authorization: Bearer` or `DPoP` (the schemes in `schemes`), the only place
 * this API accepts one; every check except the token's own syntax ({@link checkTokenSyntax}).
 * A token in the query (RFC 6750 2.3: leaks into logs and history) or the body is refused outright.
 */
export function readCredential(
  request: RequestParts,
  schemes: readonly AuthScheme[] = ['bearer'],
): Credential {
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
  if (header !== undefined && countRawHeaders(request, 'authorization') > 1) {
    throw new InvalidRequestError(
      RefusalReason.MalformedHeader,
      'malformed Authorization header; send it once, not several times',
    );
  }
  if (typeof header !== 'string' || header.trim() === '') throw new MissingTokenError(schemes);
  const space = header.indexOf(' ');
  const word = (space === -1 ? header : header.slice(0, space)).toLowerCase();
  const scheme = schemes.find((name) => name === word);
  if (scheme === undefined) {
    const separator = SCHEME_THEN_OTHER_SPACE.exec(word)?.[1];
    if (separator !== undefined && schemes.includes(separator.toLowerCase() as AuthScheme))
      throw new InvalidRequestError(
        RefusalReason.MalformedHeader,
        malformedSeparator(SCHEME_NAMES[separator.toLowerCase() as AuthScheme]),
      );
    // RFC 9449 7.2: with DPOP_REQUIRED, Bearer is a scheme this API does not take.
    if (word === 'bearer' || separator?.toLowerCase() === 'bearer')
      throw new MissingTokenError(
        schemes,
        RefusalReason.DpopRequired,
        'this API accepts only DPoP-bound tokens; send Authorization: DPoP with a DPoP proof',
      );
    throw new MissingTokenError(schemes);
  }
  if (space === -1) return { scheme, token: '' };
  let start = space + 1;
  while (header.charCodeAt(start) === 0x20) start += 1;
  // A tab or another space after the spaces is no token character: checkTokenSyntax refuses it.
  return { scheme, token: header.slice(start).trimEnd() };
}

/** The credential itself when it is one RFC 6750 `b64token` (no second token, quote or comma). */
export function checkTokenSyntax(credential: string, scheme: AuthScheme = 'bearer'): string {
  if (!B64TOKEN.test(credential)) {
    throw new InvalidRequestError(
      RefusalReason.MalformedHeader,
      `malformed Authorization header; expected ${SCHEME_NAMES[scheme]} followed by one token`,
    );
  }
  return credential;
}

/**
 * For passport-jwt, which only runs after the guard has already extracted and checked the token
 * (and the scheme: the guard refuses a scheme that is not allowed before passport runs).
 */
export function accessTokenOrNull(request: RequestParts): string | null {
  try {
    const { scheme, token } = readCredential(request, ['bearer', 'dpop']);
    return checkTokenSyntax(token, scheme);
  } catch {
    return null;
  }
}
