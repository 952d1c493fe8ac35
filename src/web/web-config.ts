import type { ResolvedConfig } from '../config/app-config.js';

/** What the demo page signs in with; shared by the Okta widget and the development sign-in. */
export const WEB_SCOPES = ['openid', 'profile', 'email', 'messages:read', 'messages:write'] as const;

/** The scopes a person may pick in the development sign-in (what this API checks). */
export const DEV_SCOPES = ['messages:read', 'messages:write'] as const;

/**
 * The page's runtime configuration. Everything here is public by nature (an SPA client id is
 * not a secret); no secret may ever be added.
 */
export type WebConfig =
  | { mode: 'okta'; issuer: string; clientId: string; scopes: string[] }
  | { mode: 'unconfigured'; issuer: string; missing: 'OKTA_SPA_CLIENT_ID' }
  | {
      mode: 'development';
      issuer: string;
      scopes: string[];
      devScopes: string[];
      adminGroups: string[];
    };

/** The development sign-in exists only with the built-in issuer, and never in production. */
export function devSignInEnabled(config: ResolvedConfig): config is ResolvedConfig & {
  devIssuer: NonNullable<ResolvedConfig['devIssuer']>;
} {
  return config.devIssuer !== undefined && !config.production;
}

export function webConfig(config: ResolvedConfig): WebConfig {
  const issuer = config.okta.issuer;
  if (devSignInEnabled(config)) {
    return {
      mode: 'development',
      issuer,
      scopes: [...WEB_SCOPES],
      devScopes: [...DEV_SCOPES],
      adminGroups: config.adminGroups,
    };
  }
  if (config.okta.spaClientId === undefined) {
    return { mode: 'unconfigured', issuer, missing: 'OKTA_SPA_CLIENT_ID' };
  }
  return { mode: 'okta', issuer, clientId: config.okta.spaClientId, scopes: [...WEB_SCOPES] };
}
