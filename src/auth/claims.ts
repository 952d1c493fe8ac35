/** Pure claim parsing and matching: no framework, no I/O. */

type Claims = Record<string, unknown>;

function words(value: string): string[] {
  return value.split(' ').filter((word) => word !== '');
}

/** Scopes from `scp` (Okta: array, or space-delimited string) and `scope` (RFC 9068). */
export function readScopes(claims: Claims): string[] {
  const scopes = new Set<string>();
  const { scp, scope } = claims;
  if (Array.isArray(scp)) {
    for (const item of scp) if (typeof item === 'string' && item !== '') scopes.add(item);
  } else if (typeof scp === 'string') {
    for (const item of words(scp)) scopes.add(item);
  }
  if (typeof scope === 'string') for (const item of words(scope)) scopes.add(item);
  return [...scopes];
}

/** Group names from the configured claim; anything but an array of strings means no groups. */
export function readGroups(claims: Claims, claim: string): string[] {
  const value = claims[claim];
  if (!Array.isArray(value)) return [];
  return [...new Set(value.filter((item): item is string => typeof item === 'string'))];
}

/** Every one of `required` is held (exact, case-sensitive). */
export function hasAll(held: readonly string[], required: readonly string[]): boolean {
  return required.every((item) => held.includes(item));
}

/** At least one of `wanted` is held (exact, case-sensitive). */
export function hasAny(held: readonly string[], wanted: readonly string[]): boolean {
  return wanted.some((item) => held.includes(item));
}

export function optionalString(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

export function optionalNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
