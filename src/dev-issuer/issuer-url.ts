import { isIPv6 } from 'node:net';

// Okta custom authorization server named "default".
export const DEV_ISSUER_PATH = '/oauth2/default';

export function devIssuerUrl(host: string, port: number): string {
  const hostPart = isIPv6(host) ? `[${host}]` : host;
  return `http://${hostPart}:${String(port)}${DEV_ISSUER_PATH}`;
}

export function tokenEndpointOf(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/v1/token`;
}
