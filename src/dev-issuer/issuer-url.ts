import { isIPv4, isIPv6 } from 'node:net';

// Okta custom authorization server named "default".
export const DEV_ISSUER_PATH = '/oauth2/default';

export function devIssuerUrl(host: string, port: number): string {
  const hostPart = isIPv6(host) ? `[${host}]` : host;
  return `http://${hostPart}:${String(port)}${DEV_ISSUER_PATH}`;
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
