import type { ResolvedSite } from '../config/app-config.js';
import type { AuthScheme } from './bearer-errors.js';
import type { StepUpOutcome } from './step-up.js';

/** The verified caller, as handlers see it. */
export interface Principal {
  /** The site the token belongs to: its data and its admins are the only ones this caller sees. */
  site: string;
  sub: string;
  uid: string | null;
  cid: string | null;
  scopes: readonly string[];
  groups: readonly string[];
  isAdmin: boolean;
  /** `exp` in seconds since the epoch. */
  exp: number;
  /** `iat` in seconds since the epoch (what revocations compare); null when the token has none. */
  iat: number | null;
  /** How the user signed in (OIDC `acr`, e.g. `urn:okta:loa:2fa:any`); null when the token has none. */
  acr: string | null;
  /** When the user signed in (`auth_time`, seconds since the epoch); null when absent or not a number. */
  authTime: number | null;
  /**
   * RFC 9449: the thumbprint of the key the token is bound to (`cnf.jkt`), for a token accepted
   * under the DPoP scheme; absent for a bearer token.
   */
  dpopJkt?: string;
}

/** What full verification yields: the caller plus what the verified-token cache re-checks. */
export interface VerifiedToken {
  principal: Principal;
  kid: string;
  nbf: number | undefined;
}

/** The request as the guards leave it for handlers. */
export interface AuthenticatedRequest {
  principal?: Principal;
  /** The `Authorization` scheme the request used (`JwtAuthGuard` sets it first): what challenges name. */
  authScheme?: AuthScheme;
  /** Set by `StepUpGuard` on routes marked `@StepUp`. */
  stepUp?: StepUpOutcome;
  /** The token's site, once picked by `iss` and `aud` (before verification: refusals name it too). */
  site?: ResolvedSite;
}

/** The request's site id for logs and metrics: the caller's, or the token's when it was refused after being matched; '' for none. */
export function siteOf(request: AuthenticatedRequest): string {
  return request.principal?.site ?? request.site?.id ?? '';
}
