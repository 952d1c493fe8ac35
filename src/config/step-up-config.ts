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
  const acrValues = checkAcrValues('ADMIN_ACR_VALUES', list(env, 'ADMIN_ACR_VALUES', []));
  const rawMaxAge = read(env, 'ADMIN_MAX_AGE');
  if (rawMaxAge === undefined) return { acrValues, maxAgeSeconds: undefined };
  if (!/^\d+$/.test(rawMaxAge)) throw maxAgeError('ADMIN_MAX_AGE', rawMaxAge);
  return { acrValues, maxAgeSeconds: checkMaxAge('ADMIN_MAX_AGE', Number(rawMaxAge)) };
}

/** `name` is what the error names: the variable, or a site's field in SITES_FILE. */
export function checkAcrValues(name: string, acrValues: string[]): string[] {
  const bad = acrValues.find((value) => !ACR_VALUE.test(value));
  if (bad !== undefined) {
    throw new ConfigError(
      `${name} must list acr values such as urn:okta:loa:2fa:any (no spaces or quotes), got "${bad}"`,
    );
  }
  return acrValues;
}

export function checkMaxAge(name: string, value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > MAX_AGE_LIMIT) {
    throw maxAgeError(name, value);
  }
  return value as number;
}

function maxAgeError(name: string, value: unknown): ConfigError {
  return new ConfigError(
    `${name} must be a whole number of seconds from 1 to ${MAX_AGE_LIMIT} (or empty: off), got ${JSON.stringify(String(value))}`,
  );
}
