import { randomBytes } from 'node:crypto';
import type { DpopConfig } from './app-config.js';
import { ConfigError, read, url, type Env } from './env.js';

/** HMAC-SHA256 keys shorter than this are guessable enough to forge nonces offline. */
const MIN_SECRET_LENGTH = 32;

function flag(env: Env, name: string): boolean {
  const raw = read(env, name);
  if (raw === undefined || raw === 'false') return false;
  if (raw === 'true') return true;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function publicUrlProblem(parsed: URL, raw: string): string | undefined {
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'must be http or https';
  if (parsed.username !== '' || parsed.password !== '') return 'must not hold credentials';
  // `URL` drops an empty query or fragment: `https://api.example.com/?` has search ''.
  if (parsed.pathname !== '/' || parsed.search !== '' || parsed.hash !== '' || /[?#]/.test(raw))
    return 'must be an origin without a path, query or fragment';
  return undefined;
}

/**
 * `PUBLIC_URL`: the origin clients call the API at (RFC 9449 `htu`), e.g. behind a proxy that
 * terminates TLS. An origin only: a path, query or credentials would never match a proof.
 */
function publicUrl(env: Env): string | undefined {
  const raw = read(env, 'PUBLIC_URL');
  if (raw === undefined) return undefined;
  const parsed = url('PUBLIC_URL', raw);
  const problem = publicUrlProblem(parsed, raw);
  if (problem) throw new ConfigError(`PUBLIC_URL ${problem}, e.g. https://api.example.com, got "${raw}"`);
  return parsed.origin;
}

/**
 * `DPOP_NONCE_SECRET` keys the stateless nonces (RFC 9449 section 9): every instance that shares it
 * accepts the others' nonces. Production needs it set; elsewhere a random one is made per process.
 */
function nonceSecret(env: Env, production: boolean): DpopConfig['nonce'] {
  const secret = read(env, 'DPOP_NONCE_SECRET');
  if (secret === undefined) {
    if (production) throw new ConfigError('DPOP_NONCE_SECRET is required when DPOP_NONCE=true in production');
    return { secret: randomBytes(32).toString('base64url'), generated: true };
  }
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new ConfigError(
      `DPOP_NONCE_SECRET must be at least ${MIN_SECRET_LENGTH} characters (a random value, e.g. openssl rand -base64 32), got ${secret.length}`,
    );
  }
  return { secret, generated: false };
}

/** `PUBLIC_URL`, `DPOP_REQUIRED`, `DPOP_NONCE` and `DPOP_NONCE_SECRET` (RFC 9449 DPoP). */
export function dpop(env: Env, production: boolean): DpopConfig {
  return {
    publicUrl: publicUrl(env),
    required: flag(env, 'DPOP_REQUIRED'),
    nonce: flag(env, 'DPOP_NONCE') ? nonceSecret(env, production) : undefined,
  };
}
