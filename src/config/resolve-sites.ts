import type { AppConfig, ResolvedConfig } from './app-config.js';

/**
 * The configuration with every site's issuer known: a site without one (development only) is
 * served by the built-in development issuer's authorization server of the site's id.
 */
export function resolveSites(
  config: AppConfig,
  devIssuers: Readonly<Record<string, string>> = {},
): ResolvedConfig {
  const sites = config.sites.map((site) => {
    const issuer = site.issuer ?? devIssuers[site.id];
    if (issuer === undefined) throw new Error(`site "${site.id}" has no issuer`);
    return { ...site, issuer };
  });
  return { ...config, sites, okta: { ...config.okta, issuer: sites[0].issuer } };
}
