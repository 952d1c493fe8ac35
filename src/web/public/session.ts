import type { StepUpChallenge } from './api-errors.js';

/** A signed-in person, however they signed in. */
export interface Session {
  /** The current access token; undefined once it is gone (signed out, expired, not renewed). */
  accessToken(): Promise<string | undefined>;
  /** Ends the session and leaves the page (a reload, or Okta's sign-out redirect). */
  signOut(): Promise<void>;
  /** Drops the tokens held in this tab, after the API said they are no longer good. */
  forget(): void;
  /**
   * Signs in again as a step-up challenge asks (RFC 9470: `acr_values`, `max_age`); true once the
   * new token is held. Called from a click, so a sign-in pop-up is allowed.
   */
  stepUp(challenge: StepUpChallenge): Promise<boolean>;
}

/** The page's runtime configuration, from `GET /api/web-config`. */
export type WebConfig =
  | { mode: 'okta'; issuer: string; clientId: string; scopes: string[] }
  | { mode: 'unconfigured'; issuer: string; reason: string }
  | {
      mode: 'development';
      issuer: string;
      scopes: string[];
      devScopes: string[];
      adminGroups: string[];
      sites: { id: string; adminGroups: string[] }[];
    };
