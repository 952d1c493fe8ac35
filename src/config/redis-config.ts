import { isIP } from 'node:net';
import type { RedisConfig } from './app-config.js';
import { ConfigError, integer, read, type Env } from './env.js';

const SHAPE = 'redis://[user:password@]host[:port][/db] (rediss:// for TLS)';

/** Redis keys and channels of this deployment start with this: visible ASCII, no spaces. */
const KEY_PREFIX = /^[\x21-\x7e]{1,100}$/;

/** The URL as it may be printed: a password never reaches a log line or an error message. */
function shown(url: URL): string {
  if (url.password === '') return url.href;
  const copy = new URL(url.href);
  copy.password = '***';
  return copy.href;
}

/** Redis's own `databases` default is 16; a deployment may configure more, never this many. */
const MAX_DB = 100_000;

function decoded(part: string, what: string): string | undefined {
  if (part === '') return undefined;
  try {
    return decodeURIComponent(part);
  } catch {
    throw new ConfigError(`REDIS_URL has a badly percent-encoded ${what}`);
  }
}

function parse(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // The raw text may hold a password: only its scheme is echoed.
    throw new ConfigError(`REDIS_URL must be ${SHAPE}, got a value that is not a URL`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new ConfigError(`REDIS_URL must be ${SHAPE}, got scheme "${url.protocol}"`);
  }
  if (url.hostname === '') throw new ConfigError(`REDIS_URL must name a host: ${SHAPE}, got "${shown(url)}"`);
  if (url.search !== '' || url.hash !== '') {
    throw new ConfigError(`REDIS_URL takes no query or fragment: ${SHAPE}, got "${shown(url)}"`);
  }
  const path = url.pathname;
  if (path !== '' && path !== '/' && !(/^\/\d{1,6}$/.test(path) && Number(path.slice(1)) < MAX_DB)) {
    throw new ConfigError(`REDIS_URL must end in a database number such as /0, got "${shown(url)}"`);
  }
  return url;
}

/**
 * `REDIS_URL` and its companions: when set, every instance shares rate limits, replay memory and
 * notices through that Redis. Unset: each instance keeps its own (one instance needs nothing else).
 */
export function redis(env: Env): RedisConfig | undefined {
  const raw = read(env, 'REDIS_URL');
  if (raw === undefined) return undefined;
  const url = parse(raw);
  const keyPrefix = read(env, 'REDIS_KEY_PREFIX') ?? 'okta-api:';
  if (!KEY_PREFIX.test(keyPrefix)) {
    throw new ConfigError(
      `REDIS_KEY_PREFIX must be 1 to 100 visible ASCII characters without spaces, got "${keyPrefix}"`,
    );
  }
  // WHATWG URLs keep IPv6 hosts in brackets; the socket wants the bare address.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  return {
    host,
    port: url.port === '' ? 6379 : Number(url.port),
    db,
    username: decoded(url.username, 'user name'),
    password: decoded(url.password, 'password'),
    tls: url.protocol === 'rediss:',
    // For logs and the start banner: never the password.
    display: `${url.protocol}//${isIP(host) === 6 ? `[${host}]` : host}:${url.port || 6379}/${db}`,
    timeoutMs: integer(env, 'REDIS_TIMEOUT_MS', 200, 10, 10_000),
    keyPrefix,
  };
}
