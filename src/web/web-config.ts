import type { ResolvedConfig } from '../config/app-config.js';
import { tokenEndpointOf } from '../dev-issuer/issuer-url.js';

/** What the demo page signs in with; shared by the Okta widget and the development sign-in. */
export const WEB_SCOPES = ['openid', 'profile', 'email', 'messages:read', 'messages:write'] as const;

/** The scopes a person may pick in the development sign-in (what this API checks). */
export const DEV_SCOPES = ['messages:read', 'messages:write'] as const;

/**
 * The page's runtime configuration. Everything here is public by nature (an SPA client id is
 * not a secret); no secret may ever be added.
 */
export type WebConfig =
  | {
      mode: 'okta';
      issuer: string;
      clientId: string;
      scopes: string[];
      /** The Okta SPA app requires DPoP (`OKTA_SPA_DPOP`): sign in with Okta Auth JS's `dpop` option. */
      dpop: boolean;
    }
  | { mode: 'unconfigured'; issuer: string; reason: string }
  | {
      mode: 'development';
      issuer: string;
      scopes: string[];
      devScopes: string[];
      adminGroups: string[];
      /**
       * The sites the development issuer serves, to sign in to one (the first is the default), with
       * the token endpoint a DPoP proof for the sign-in names (`htu`).
       */
      sites: { id: string; adminGroups: string[]; tokenEndpoint: string }[];
    };

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/**
 * The development sign-in exists only with the built-in issuer, never in production, and only
 * while the API listens on loopback: the issuer itself refuses other interfaces, and this route
 * must not hand its tokens to the network.
 */
export function devSignInEnabled(config: ResolvedConfig): config is ResolvedConfig & {
  devIssuer: NonNullable<ResolvedConfig['devIssuer']>;
} {
  return config.devIssuer !== undefined && !config.production && LOOPBACK_HOSTS.has(config.host);
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
      sites: config.sites
        .filter((site) => config.devIssuer.sites.includes(site.id))
        .map(({ id, adminGroups, issuer }) => ({ id, adminGroups, tokenEndpoint: tokenEndpointOf(issuer) })),
    };
  }
  if (config.devIssuer !== undefined) {
    return {
      mode: 'unconfigured',
      issuer,
      reason: `The development sign-in only works while the API listens on loopback (HOST=127.0.0.1), not on ${config.host}. To sign in with Okta, set OKTA_ISSUER and OKTA_SPA_CLIENT_ID.`,
    };
  }
  if (config.okta.spaClientId === undefined) {
    return {
      mode: 'unconfigured',
      issuer,
      reason:
        'Sign-in is not configured: OKTA_ISSUER is set but OKTA_SPA_CLIENT_ID is not. Set it to the client id of your Okta SPA app and restart the API.',
    };
  }
  return {
    mode: 'okta',
    issuer,
    clientId: config.okta.spaClientId,
    scopes: [...WEB_SCOPES],
    dpop: config.demoPage.spaDpop,
  };
}
