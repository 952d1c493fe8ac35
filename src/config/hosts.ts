import { isIP, isIPv6 } from 'node:net';
import { ConfigError, read, type Env } from './env.js';

/** Hosts an issuer may reach over plain http (local testing). */
export const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** A host-name label (RFC 1123; `_` too, which resolvers such as Docker's accept). */
const HOST_LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;

/**
 * An address to listen on: an IP literal (IPv6 with or without brackets) or a host name. Whether
 * it is an address of this machine is known only when listening (see listen-failure.ts).
 */
export function listenHost(env: Env, name: string, fallback: string): string {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  const bracketed = /^\[(.+)\]$/.exec(raw)?.[1];
  if (bracketed !== undefined && isIPv6(bracketed)) return bracketed;
  if (isIP(raw) !== 0) return raw;
  const labels = raw.replace(/\.$/, '').split('.');
  // A name whose last label is all digits (256.1.1.1, 10.0.1) is a mistyped IPv4 address, not a name.
  const numeric = /^\d+$/.test(labels[labels.length - 1] ?? '');
  if (raw.length > 253 || numeric || !labels.every((label) => HOST_LABEL.test(label))) {
    throw new ConfigError(
      `${name} must be an IP address (e.g. 127.0.0.1, 0.0.0.0, ::) or a host name (e.g. localhost), got "${raw}"`,
    );
  }
  return raw;
}

/** Lower-case, IPv4-mapped IPv6 as IPv4, IPv6 in its shortest form: equal strings, same address. */
function normalHost(host: string): string {
  const lower = host.toLowerCase().replace(/\.$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower)?.[1];
  if (mapped !== undefined) return mapped;
  if (!isIPv6(lower)) return lower;
  try {
    return new URL(`http://[${lower}]`).hostname.slice(1, -1);
  } catch {
    return lower; // a zone id (fe80::1%eth0), which URL does not take
  }
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::']);

/**
 * Whether two listeners on one port would clash: the same address, a wildcard (all addresses),
 * or a host name (what it resolves to is unknown here, so it may be the other address).
 * Only two different IP addresses, neither a wildcard, can share a port.
 */
function hostsOverlap(a: string, b: string): boolean {
  const [x, y] = [normalHost(a), normalHost(b)];
  if (x === y || WILDCARD_HOSTS.has(x) || WILDCARD_HOSTS.has(y)) return true;
  return isIP(x) === 0 || isIP(y) === 0;
}

/** Whether a server that binds before the API, on `port` at `host`, would leave the API unable to listen. */
export function takesApiPort(port: number, host: string, api: { host: string; port: number }): boolean {
  return port !== 0 && port === api.port && hostsOverlap(host, api.host);
}
