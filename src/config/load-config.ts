import { isIP, isIPv6 } from 'node:net';
import { devIssuerHost } from '../dev-issuer/issuer-url.js';
import type { AppConfig, DatabaseConfig, LoggingConfig, LogLevel, MetricsConfig } from './app-config.js';

/** Thrown for an invalid environment; its message is one line that names the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Unset and empty mean the same: the default applies. */
function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** Unlike single values, a list set to empty means "none" (e.g. ADMIN_GROUPS= makes nobody an admin). */
function list(env: Env, name: string, fallback: string[]): string[] {
  const raw = env[name];
  if (raw === undefined) return fallback;
  const items = raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  return [...new Set(items)];
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return Number(raw);
}

/** A host-name label (RFC 1123; `_` too, which resolvers such as Docker's accept). */
const HOST_LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;

/**
 * An address to listen on: an IP literal (IPv6 with or without brackets) or a host name. Whether
 * it is an address of this machine is known only when listening (see listen-failure.ts).
 */
function listenHost(env: Env, name: string, fallback: string): string {
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
function takesApiPort(port: number, host: string, api: { host: string; port: number }): boolean {
  return port !== 0 && port === api.port && hostsOverlap(host, api.host);
}

function url(name: string, raw: string): URL {
  try {
    return new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be a URL, got "${raw}"`);
  }
}

function issuer(env: Env): string | undefined {
  const raw = read(env, 'OKTA_ISSUER');
  if (raw === undefined) return undefined;
  const parsed = url('OKTA_ISSUER', raw);
  const loopback = LOOPBACK_HOSTS.has(parsed.hostname);
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback)) {
    throw new ConfigError(
      `OKTA_ISSUER must use https (http is allowed only for localhost, 127.0.0.1 and [::1]), got "${raw}"`,
    );
  }
  if (parsed.username || parsed.password || parsed.search || parsed.hash) {
    throw new ConfigError(`OKTA_ISSUER must not contain credentials, a query or a fragment, got "${raw}"`);
  }
  // Tokens' `iss` must equal it exactly, and Okta's never ends with a slash.
  if (raw.endsWith('/')) {
    throw new ConfigError(
      `OKTA_ISSUER must not end with "/" (Okta issuers never do): use "${raw.replace(/\/+$/, '')}"`,
    );
  }
  return raw;
}

function spaClientId(env: Env): string | undefined {
  const raw = read(env, 'OKTA_SPA_CLIENT_ID');
  if (raw !== undefined && !/^[A-Za-z0-9_.-]{1,100}$/.test(raw)) {
    throw new ConfigError(
      `OKTA_SPA_CLIENT_ID must be an Okta client id like 0oa1b2c3d4E5f6G7h8i9, got "${raw}"`,
    );
  }
  return raw;
}

function corsOrigins(env: Env): string[] {
  const origins = list(env, 'CORS_ORIGINS', ['http://localhost:8080']);
  for (const origin of origins) {
    const parsed = url('CORS_ORIGINS', origin);
    if (!['http:', 'https:'].includes(parsed.protocol) || parsed.origin !== origin.replace(/\/$/, '')) {
      throw new ConfigError(
        `CORS_ORIGINS must list origins like https://app.example.com (scheme, host, optional port), got "${origin}"`,
      );
    }
  }
  return origins.map((origin) => origin.replace(/\/$/, ''));
}

function database(env: Env): DatabaseConfig {
  const raw = read(env, 'DATABASE_URL') ?? 'sqlite:data/messages.db';
  const poolSize = integer(env, 'DATABASE_POOL_SIZE', 10, 1, 1000);
  if (raw.startsWith('sqlite:')) {
    const path = raw.slice('sqlite:'.length);
    if (path === '')
      throw new ConfigError('DATABASE_URL must name a file after sqlite:, e.g. sqlite:data/messages.db');
    return { type: 'sqlite', path };
  }
  if (/^postgres(ql)?:\/\//.test(raw)) {
    const parsed = url('DATABASE_URL', raw);
    if (parsed.hostname === '' || parsed.pathname.length < 2) {
      throw new ConfigError('DATABASE_URL must be postgres://user:pass@host:port/database');
    }
    return {
      type: 'postgres',
      url: raw,
      poolSize,
      connectTimeoutMs: integer(env, 'DATABASE_CONNECT_TIMEOUT_MS', 1500, 100, 60_000),
      statementTimeoutMs: integer(env, 'DATABASE_STATEMENT_TIMEOUT_MS', 5000, 100, 600_000),
    };
  }
  throw new ConfigError('DATABASE_URL must start with sqlite: or postgres://');
}

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function logging(env: Env, production: boolean): LoggingConfig {
  const level = read(env, 'LOG_LEVEL') ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${level}"`);
  }
  const format = read(env, 'LOG_FORMAT') ?? (production ? 'json' : 'pretty');
  if (format !== 'json' && format !== 'pretty') {
    throw new ConfigError(`LOG_FORMAT must be json or pretty, got "${format}"`);
  }
  return { level: level as LogLevel, format };
}

function metrics(env: Env, api: { host: string; port: number }): MetricsConfig {
  const metricsHost = listenHost(env, 'METRICS_HOST', api.host);
  if (read(env, 'METRICS_PORT')?.toLowerCase() === 'off') return { port: undefined, host: metricsHost };
  const port = integer(env, 'METRICS_PORT', 9464, 0, 65535);
  // The metrics server binds first: on the API's own port it would leave the API unable to listen.
  if (takesApiPort(port, metricsHost, api)) {
    throw new ConfigError(
      `METRICS_PORT must not be the API port (PORT=${api.port}) on the same address, got "${port}" (METRICS_HOST=${metricsHost}, HOST=${api.host})`,
    );
  }
  return { port, host: metricsHost };
}

/** The development issuer starts before the API: on the API's own port it would leave the API unable to listen. */
function devIssuerPort(
  env: Env,
  oktaIssuer: string | undefined,
  api: { host: string; port: number },
): number {
  const port = integer(env, 'DEV_ISSUER_PORT', 8001, 0, 65535);
  if (oktaIssuer === undefined && takesApiPort(port, devIssuerHost(api.host), api)) {
    throw new ConfigError(`DEV_ISSUER_PORT must not be the API port (PORT=${api.port}), got "${port}"`);
  }
  return port;
}

/** The only NODE_ENV values (besides unset) that allow development-only paths: a typo means production. */
const DEVELOPMENT_NODE_ENVS = new Set(['development', 'test']);

/** Validates the environment once; throws `ConfigError` naming the first bad variable. */
export function loadConfig(env: Env): AppConfig {
  const nodeEnv = read(env, 'NODE_ENV');
  const production = nodeEnv !== undefined && !DEVELOPMENT_NODE_ENVS.has(nodeEnv);
  const oktaIssuer = issuer(env);
  if (production && oktaIssuer === undefined) {
    throw new ConfigError(
      `OKTA_ISSUER is required when NODE_ENV=${nodeEnv} (the built-in development issuer runs only when NODE_ENV is unset, development or test)`,
    );
  }
  const audiences = list(env, 'OKTA_AUDIENCE', ['api://default']);
  if (audiences.length === 0) throw new ConfigError('OKTA_AUDIENCE must list at least one audience');
  const groupsClaim = read(env, 'OKTA_GROUPS_CLAIM') ?? 'groups';
  if (!/^[A-Za-z0-9_:.-]{1,100}$/.test(groupsClaim)) {
    throw new ConfigError(`OKTA_GROUPS_CLAIM must be a claim name, got "${groupsClaim}"`);
  }
  const host = listenHost(env, 'HOST', '127.0.0.1');
  const port = integer(env, 'PORT', 8000, 0, 65535);
  return {
    production,
    host,
    port,
    okta: {
      issuer: oktaIssuer,
      audiences,
      clientIds: list(env, 'OKTA_CLIENT_IDS', []),
      groupsClaim,
      clockToleranceSeconds: integer(env, 'OKTA_CLOCK_TOLERANCE', 30, 0, 600),
      jwksRefreshSeconds: integer(env, 'OKTA_JWKS_REFRESH_SECONDS', 300, 1, 86400),
      spaClientId: spaClientId(env),
    },
    adminGroups: list(env, 'ADMIN_GROUPS', ['Admins']),
    corsOrigins: corsOrigins(env),
    database: database(env),
    tokenCache: {
      maxEntries: integer(env, 'TOKEN_CACHE_MAX', 10000, 0, 10_000_000),
      maxTtlSeconds: integer(env, 'TOKEN_CACHE_TTL_SECONDS', 300, 0, 86400),
    },
    devIssuerPort: devIssuerPort(env, oktaIssuer, { host, port }),
    logging: logging(env, production),
    metrics: metrics(env, { host, port }),
    rateLimit: {
      windowSeconds: integer(env, 'RATE_LIMIT_WINDOW_SECONDS', 60, 1, 86400),
      perCaller: integer(env, 'RATE_LIMIT_PER_CALLER', 6000, 0, 100_000_000),
      refusedPerAddress: integer(env, 'RATE_LIMIT_REFUSED_PER_ADDRESS', 1000, 0, 100_000_000),
    },
  };
}
