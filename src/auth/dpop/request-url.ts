/**
 * RFC 9449 4.3 (check 9): `htu` matches the request's URI "ignoring any query and fragment
 * parts", after syntax- and scheme-based normalisation (RFC 3986 6.2.2, 6.2.3): scheme and host
 * case-insensitive, the default port the same as none. Both sides go through the same WHATWG URL
 * parsing, then compare as `origin + path`; the path itself compares exactly.
 */

/** A `Host` header: a name or IPv4 address, or a bracketed IPv6 address, and an optional port. */
const HOST = /^(?:[A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

function originAndPath(url: URL): string | undefined {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  return `${url.origin}${url.pathname}`;
}

/** A proof's `htu`, normalised for comparison; undefined when it is no absolute http(s) URL. */
export function normaliseHtu(htu: unknown): string | undefined {
  if (typeof htu !== 'string' || !URL.canParse(htu)) return undefined;
  return originAndPath(new URL(htu));
}

/**
 * The URL the client called, as `htu` must name it: `publicUrl` (PUBLIC_URL, an origin) or else
 * `http://` + the `Host` header, then the request's path. `X-Forwarded-Host` and `-Proto` are never
 * read: anyone may send them, and they would let a proof made for another server pass here.
 * Undefined when no URL can be made (no or a malformed `Host`, a request target that is no path).
 */
export function requestHtu(
  publicUrl: string | undefined,
  host: string | undefined,
  requestTarget: string | undefined,
): string | undefined {
  // Only origin-form targets (`/path?query`): the path is appended to the origin, never resolved
  // against it, so `//other.example/x` stays a path.
  if (requestTarget === undefined || !requestTarget.startsWith('/')) return undefined;
  let origin = publicUrl;
  if (origin === undefined) {
    if (host === undefined || !HOST.test(host)) return undefined;
    origin = `http://${host}`;
  }
  const path = requestTarget.split(/[?#]/, 1)[0];
  const url = `${origin}${path}`;
  return URL.canParse(url) ? originAndPath(new URL(url)) : undefined;
}
