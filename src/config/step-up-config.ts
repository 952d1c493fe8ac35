import type { StepUpRequirement } from './app-config.js';
import { ConfigError, list, read, type Env } from './env.js';

/** A year: a longer "recent sign-in" is no requirement at all, and most likely a typo. */
const MAX_AGE_LIMIT = 31_536_000;

/**
 * An `acr` value is announced in a quoted-string of the challenge, space-separated (RFC 9470
 * section 3): visible ASCII without `"`, `\` or a space.
 */
const ACR_VALUE = /^[\x21\x23-\x5b\x5d-\x7e]{1,200}$/;

/** `ADMIN_ACR_VALUES` and `ADMIN_MAX_AGE`: what admin actions need of the sign-in; empty means off. */
export function adminStepUp(env: Env): StepUpRequirement {
  const acrValues = list(env, 'ADMIN_ACR_VALUES', []);
  const bad = acrValues.find((value) => !ACR_VALUE.test(value));
  if (bad !== undefined) {
    throw new ConfigError(
      `ADMIN_ACR_VALUES must list acr values such as urn:okta:loa:2fa:any (no spaces or quotes), got "${bad}"`,
    );
  }
  const rawMaxAge = read(env, 'ADMIN_MAX_AGE');
  if (rawMaxAge === undefined) return { acrValues, maxAgeSeconds: undefined };
  if (!/^\d+$/.test(rawMaxAge) || Number(rawMaxAge) < 1 || Number(rawMaxAge) > MAX_AGE_LIMIT) {
    throw new ConfigError(
      `ADMIN_MAX_AGE must be a whole number of seconds from 1 to ${MAX_AGE_LIMIT} (or empty: off), got "${rawMaxAge}"`,
    );
  }
  return { acrValues, maxAgeSeconds: Number(rawMaxAge) };
}
