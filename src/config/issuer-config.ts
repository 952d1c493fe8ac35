import { ConfigError, url } from './env.js';
import { LOOPBACK_HOSTS } from './hosts.js';

/**
 * An issuer URL as Okta writes it in `iss`: https (http only on loopback, for local testing), no
 * credentials, query or fragment, no trailing slash. `name` is what the error names (OKTA_ISSUER,
 * or a site in SITES_FILE).
 */
export function checkIssuer(name: string, raw: string): string {
  const parsed = url(name, raw);
  const loopback = LOOPBACK_HOSTS.has(parsed.hostname);
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback)) {
    throw new ConfigError(
      `${name} must use https (http is allowed only for localhost, 127.0.0.1 and [::1]), got "${raw}"`,
    );
  }
  if (parsed.username || parsed.password || parsed.search || parsed.hash) {
    throw new ConfigError(`${name} must not contain credentials, a query or a fragment, got "${raw}"`);
  }
  // Tokens' `iss` must equal it exactly, and Okta's never ends with a slash.
  if (raw.endsWith('/')) {
    throw new ConfigError(
      `${name} must not end with "/" (Okta issuers never do): use "${raw.replace(/\/+$/, '')}"`,
    );
  }
  return raw;
}

/** A browser origin (scheme, host, optional port), returned without a trailing slash. */
export function checkOrigin(name: string, origin: string): string {
  const parsed = url(name, origin);
  if (!['http:', 'https:'].includes(parsed.protocol) || parsed.origin !== origin.replace(/\/$/, '')) {
    throw new ConfigError(
      `${name} must list origins like https://app.example.com (scheme, host, optional port), got "${origin}"`,
    );
  }
  return origin.replace(/\/$/, '');
}

/** A claim name as OKTA_GROUPS_CLAIM or a site's `groupsClaim` may give it. */
export function checkClaimName(name: string, raw: string): string {
  if (!/^[A-Za-z0-9_:.-]{1,100}$/.test(raw)) {
    throw new ConfigError(`${name} must be a claim name, got "${raw}"`);
  }
  return raw;
}
