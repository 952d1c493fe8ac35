import type { IntrospectionMode, RevocationConfig } from './app-config.js';
import { ConfigError, integer, read, type Env } from './env.js';

/** Long enough that guessing it is hopeless; the Authorization header Okta sends, byte for byte. */
const MIN_SECRET_LENGTH = 16;
const MAX_SECRET_LENGTH = 1024;
/** An HTTP header value: visible ASCII and spaces (what the Admin Console takes and Okta sends). */
const HEADER_VALUE = /^[\x20-\x7e]+$/;
const CLIENT_ID = /^[A-Za-z0-9_.-]{1,100}$/;
const MODES: readonly IntrospectionMode[] = ['off', 'writes', 'all'];

/** A secret is never quoted back: the error says what is wrong with it, not what it is. */
function secret(env: Env, name: string, minLength: number): string | undefined {
  const value = read(env, name);
  if (value === undefined) return undefined;
  if (!HEADER_VALUE.test(value) || value.length < minLength || value.length > MAX_SECRET_LENGTH) {
    throw new ConfigError(
      `${name} must be ${minLength} to ${MAX_SECRET_LENGTH} visible ASCII characters (a random string), got ${value.length} character(s)${HEADER_VALUE.test(value) ? '' : ' with a control or non-ASCII character'}`,
    );
  }
  return value;
}

function introspectionClient(env: Env): { id: string; secret: string } | undefined {
  const id = read(env, 'OKTA_INTROSPECTION_CLIENT_ID');
  const clientSecret = secret(env, 'OKTA_INTROSPECTION_CLIENT_SECRET', 1);
  if ((id === undefined) !== (clientSecret === undefined)) {
    const missing = id === undefined ? 'OKTA_INTROSPECTION_CLIENT_ID' : 'OKTA_INTROSPECTION_CLIENT_SECRET';
    throw new ConfigError(
      `OKTA_INTROSPECTION_CLIENT_ID and OKTA_INTROSPECTION_CLIENT_SECRET go together: ${missing} is not set`,
    );
  }
  if (id === undefined || clientSecret === undefined) return undefined;
  if (!CLIENT_ID.test(id)) {
    throw new ConfigError(
      `OKTA_INTROSPECTION_CLIENT_ID must be an Okta client id like 0oa1b2c3d4E5f6G7h8i9, got "${id}"`,
    );
  }
  return { id, secret: clientSecret };
}

/**
 * `OKTA_EVENT_HOOK_SECRET` (the event hook route exists only with it) and token introspection:
 * `OKTA_INTROSPECTION_CLIENT_ID` and `_SECRET` together, `INTROSPECT` (`writes` by default once
 * they are set, else `off`) and `INTROSPECTION_CACHE_SECONDS`.
 */
export function revocation(env: Env): RevocationConfig {
  const eventHookSecret = secret(env, 'OKTA_EVENT_HOOK_SECRET', MIN_SECRET_LENGTH);
  const client = introspectionClient(env);
  const raw = read(env, 'INTROSPECT') ?? (client ? 'writes' : 'off');
  if (!(MODES as readonly string[]).includes(raw)) {
    throw new ConfigError(`INTROSPECT must be one of ${MODES.join(', ')}, got "${raw}"`);
  }
  const mode = raw as IntrospectionMode;
  if (mode !== 'off' && !client) {
    throw new ConfigError(
      `INTROSPECT=${mode} needs OKTA_INTROSPECTION_CLIENT_ID and OKTA_INTROSPECTION_CLIENT_SECRET`,
    );
  }
  return {
    eventHookSecret,
    introspection: {
      mode,
      client,
      cacheSeconds: integer(env, 'INTROSPECTION_CACHE_SECONDS', 30, 0, 3600),
    },
  };
}
