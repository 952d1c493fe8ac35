import type { ResolvedSite } from '../config/app-config.js';
import { InvalidTokenError } from './bearer-errors.js';
import { RefusalReason } from './refusal-reason.js';

/**
 * The site a token belongs to, from its unverified `iss` and `aud`, before any key is fetched:
 * the one whose issuer is `iss` exactly and that has an audience in `aud`. Only configured
 * issuers are ever asked for keys, so a token naming any other issuer costs no request.
 * Its signature, and everything else, is checked afterwards with that site's key and rules.
 */
export function siteForToken(sites: readonly ResolvedSite[], payload: Record<string, unknown>): ResolvedSite {
  const { iss, aud } = payload;
  const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
  const sameIssuer = sites.filter((site) => site.issuer === iss);
  if (sameIssuer.length === 0) throw new InvalidTokenError(RefusalReason.UnknownIssuer, 'untrusted issuer');
  const matching = sameIssuer.filter((site) =>
    site.audiences.some((audience) => audiences.includes(audience)),
  );
  if (matching.length === 0) throw new InvalidTokenError(RefusalReason.WrongAudience, 'wrong audience');
  // Configuration lets no issuer and audience belong to two sites, but one token may name the
  // audiences of two sites on one server: it belongs to neither.
  if (matching.length > 1) {
    throw new InvalidTokenError(RefusalReason.AmbiguousSite, 'token is for several sites');
  }
  return matching[0];
}

/** The payload of a compact JWS whose shape `readHeader` has already checked. */
export function unverifiedPayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}
