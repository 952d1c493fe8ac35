import { isIPv4, isIPv6 } from 'node:net';

/** An Okta custom authorization server's issuer: `default` unless a site names another. */
export function devIssuerUrl(host: string, port: number, server = 'default'): string {
  const hostPart = isIPv6(host) ? `[${host}]` : host;
  return `http://${hostPart}:${String(port)}/oauth2/${server}`;
}

export function tokenEndpointOf(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/v1/token`;
}

/** The dev issuer stays on loopback: `HOST` when that is loopback (e.g. `::1`), else 127.0.0.1. */
export function devIssuerHost(apiHost: string): string {
  return isLoopbackHost(apiHost) ? apiHost : '127.0.0.1';
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIPv4(host) && host.startsWith('127.'));
}

/**
 * Whether a request's `Host` header names this machine by a loopback name or address (`localhost`,
 * `127.x.x.x`, `[::1]`, with or without a port). The development paths answer only those: a web
 * page that rebinds its own name to 127.0.0.1 still sends its own name (DNS rebinding).
 */
export function isLoopbackHostHeader(host: string | undefined): boolean {
  const match = /^(?:\[([0-9a-f:.]+)\]|([a-z0-9.]+))(?::\d{1,5})?$/i.exec(host ?? '');
  if (match === null) return false;
  const [, bracketed, name] = match;
  if (bracketed !== undefined)
    return isIPv6(bracketed) && new URL(`http://[${bracketed}]`).hostname === '[::1]';
  const lower = name.toLowerCase();
  return lower === 'localhost' || (isIPv4(lower) && lower.startsWith('127.'));
}
