import type { AddressInfo } from 'node:net';
import type { ResolvedConfig } from './config/app-config.js';

const WILDCARDS = new Set(['0.0.0.0', '::']);

function origin(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Where a server listens, as an URL; a wildcard address says so, with a loopback URL to click. */
export function listenUrl(address: AddressInfo): { url: string; local: string; note: string } {
  const url = origin(address.address, address.port);
  if (!WILDCARDS.has(address.address)) return { url, local: url, note: '' };
  const local = origin(address.family === 'IPv6' ? '::1' : '127.0.0.1', address.port);
  return { url, local, note: ' (every interface)' };
}

/** The start banner: one line per thing a person may want to open next. */
export function startBanner(
  config: ResolvedConfig,
  api: AddressInfo,
  metricsUrl: string | undefined,
): string[] {
  const { url, local, note } = listenUrl(api);
  const serves =
    config.sitesFile === undefined
      ? `with issuer ${config.okta.issuer}`
      : `for ${config.sites.length} site(s) of SITES_FILE ${config.sitesFile}`;
  const lines = [
    `API listening on ${url}${note} ${serves}`,
    ...(config.sitesFile === undefined
      ? []
      : config.sites.map(
          (site) => `  site ${site.id}: issuer ${site.issuer}, audience ${site.audiences.join(', ')}`,
        )),
    `  demo page  ${local}/`,
    `  API docs   ${local}/api/docs`,
    metricsUrl === undefined
      ? '  metrics    off (METRICS_PORT=off)'
      : `  metrics    ${metricsUrl}${WILDCARDS.has(config.metrics.host) ? ' (every interface: set METRICS_HOST to keep it private)' : ''}`,
    ...(config.redis === undefined
      ? []
      : [
          `  shared     limits, replay memory, notices in ${config.redis.display} (keys ${config.redis.keyPrefix}…)`,
        ]),
  ];
  if (config.revocation.eventHookSecret !== undefined) {
    lines.push(`  Okta event hook  ${local}/hooks/okta (OKTA_EVENT_HOOK_SECRET is set)`);
    if (config.devIssuer) {
      lines.push('  try it: npm run -s okta-event -- user.lifecycle.deactivate --sub alice@example.com');
    }
  }
  if (config.dpop.nonce?.generated) {
    lines.push(
      '  DPoP nonces are signed with a random secret of this process (DPOP_NONCE_SECRET unset): other instances reject them',
    );
  }
  if (config.devIssuer && config.sitesFile !== undefined) {
    lines.push(
      '  development issuer for the sites without an issuer; get a token for one of them:',
      '  npm run -s token -- --site <id> --sub alice@example.com [--groups <an admin group of the site>]',
    );
  } else if (config.devIssuer) {
    lines.push(
      `  development issuer ${config.devIssuer.issuer} (OKTA_ISSUER is not set)`,
      '  get a token: npm run -s token -- --sub alice@example.com --scopes messages:read,messages:write [--groups Admins]',
    );
  }
  return lines;
}
