import type { StepUpChallenge } from './api-errors.js';

/** One API request to authorize. */
export interface AuthorizedRequest {
  method: string;
  /** The absolute URL the request goes to. */
  url: string;
  /** The API's latest `DPoP-Nonce`, for a DPoP proof. */
  nonce?: string;
}

/** A signed-in person, however they signed in. */
export interface Session {
  /** How the access token is sent: `Bearer`, or `DPoP` with a proof made with this browser's key. */
  readonly tokenType: 'Bearer' | 'DPoP';
  /**
   * The headers that authorize one request: `Authorization: Bearer <token>`, or `Authorization:
   * DPoP <token>` and a fresh `DPoP` proof for this method and URL. None once the token is gone
   * (signed out, expired, not renewed).
   */
  authorization(request: AuthorizedRequest): Promise<Record<string, string>>;
  /** Ends the session and leaves the page (a reload, or Okta's sign-out redirect). */
  signOut(): Promise<void>;
  /** Drops the tokens held in this tab, after the API said they are no longer good. */
  forget(): Promise<void>;
  /**
   * Signs in again as a step-up challenge asks (RFC 9470: `acr_values`, `max_age`); true once the
   * new token is held. Called from a click, so a sign-in pop-up is allowed.
   */
  stepUp(challenge: StepUpChallenge): Promise<boolean>;
}

/** The page's runtime configuration, from `GET /api/web-config`. */
export type WebConfig =
  | { mode: 'okta'; issuer: string; clientId: string; scopes: string[]; dpop: boolean }
  | { mode: 'unconfigured'; issuer: string; reason: string }
  | {
      mode: 'development';
      issuer: string;
      scopes: string[];
      devScopes: string[];
      adminGroups: string[];
      sites: { id: string; adminGroups: string[]; tokenEndpoint: string }[];
    };
