import { devIssuerHost } from '../dev-issuer/issuer-url.js';
import type { AppConfig, DatabaseConfig } from './app-config.js';
import { dpop } from './dpop-config.js';
import { ConfigError, integer, read, url, type Env } from './env.js';
import { listenHost, takesApiPort } from './hosts.js';
import { httpLimits, logging, metrics } from './operability-config.js';
import { trustedProxies } from './proxy-config.js';
import { revocation } from './revocation-config.js';
import { redis } from './redis-config.js';
import { loadSites } from './sites-config.js';
import { demoPage } from './demo-page-config.js';
import { adminStepUp } from './step-up-config.js';
export { ConfigError } from './env.js';

function spaClientId(env: Env): string | undefined {
  const raw = read(env, 'OKTA_SPA_CLIENT_ID');
  if (raw !== undefined && !/^[A-Za-z0-9_.-]{1,100}$/.test(raw)) {
    throw new ConfigError(
      `OKTA_SPA_CLIENT_ID must be an Okta client id like 0oa1b2c3d4E5f6G7h8i9, got "${raw}"`,
    );
  }
  return raw;
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

/** The development issuer starts before the API: on the API's own port it would leave the API unable to listen. */
function devIssuerPort(env: Env, needed: boolean, api: { host: string; port: number }): number {
  const port = integer(env, 'DEV_ISSUER_PORT', 8001, 0, 65535);
  if (needed && takesApiPort(port, devIssuerHost(api.host), api)) {
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
  if (production && read(env, 'OKTA_ISSUER') === undefined && read(env, 'SITES_FILE') === undefined) {
    throw new ConfigError(
      `OKTA_ISSUER (or SITES_FILE) is required when NODE_ENV=${nodeEnv} (the built-in development issuer runs only when NODE_ENV is unset, development or test)`,
    );
  }
  const { sites, corsOrigins } = loadSites(env, production);
  const [first] = sites;
  const host = listenHost(env, 'HOST', '127.0.0.1');
  const port = integer(env, 'PORT', 8000, 0, 65535);
  return {
    production,
    host,
    port,
    okta: {
      issuer: first.issuer,
      audiences: first.audiences,
      clientIds: first.clientIds,
      groupsClaim: first.groupsClaim,
      clockToleranceSeconds: integer(env, 'OKTA_CLOCK_TOLERANCE', 30, 0, 600),
      jwksRefreshSeconds: integer(env, 'OKTA_JWKS_REFRESH_SECONDS', 300, 1, 86400),
      spaClientId: spaClientId(env),
    },
    sites,
    adminGroups: first.adminGroups,
    adminStepUp: adminStepUp(env),
    corsOrigins,
    database: database(env),
    tokenCache: {
      maxEntries: integer(env, 'TOKEN_CACHE_MAX', 10000, 0, 10_000_000),
      maxTtlSeconds: integer(env, 'TOKEN_CACHE_TTL_SECONDS', 300, 0, 86400),
    },
    devIssuerPort: devIssuerPort(
      env,
      sites.some((site) => site.issuer === undefined),
      { host, port },
    ),
    logging: logging(env, production),
    metrics: metrics(env, { host, port }),
    rateLimit: {
      windowSeconds: integer(env, 'RATE_LIMIT_WINDOW_SECONDS', 60, 1, 86400),
      perCaller: integer(env, 'RATE_LIMIT_PER_CALLER', 6000, 0, 100_000_000),
      refusedPerAddress: integer(env, 'RATE_LIMIT_REFUSED_PER_ADDRESS', 1000, 0, 100_000_000),
    },
    http: httpLimits(env),
    sitesFile: read(env, 'SITES_FILE'),
    trustProxy: trustedProxies(env),
    revocation: revocation(env),
    redis: redis(env),
    demoPage: demoPage(env),
    dpop: dpop(env, production),
  };
}
