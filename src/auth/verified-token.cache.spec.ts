import { jest } from '@jest/globals';
import { LRUCache } from 'lru-cache';
import type { ResolvedConfig } from '../config/app-config.js';
import type { Principal } from './principal.js';
import { MAX_TIME_CLAIM_SECONDS } from './token-rules.js';
import { VerifiedTokenCache } from './verified-token.cache.js';

const NOW = 1_763_712_000;
const TOLERANCE = 30;

function cache(): VerifiedTokenCache {
  const config = {
    tokenCache: { maxEntries: 10, maxTtlSeconds: 300 },
    okta: { clockToleranceSeconds: TOLERANCE },
  } as unknown as ResolvedConfig;
  return new VerifiedTokenCache(config);
}

function principal(exp: number): Principal {
  return {
    site: 'default',
    sub: 'alice',
    uid: null,
    cid: null,
    scopes: [],
    groups: [],
    isAdmin: false,
    exp,
    iat: null,
    acr: null,
    authTime: null,
  };
}

describe('VerifiedTokenCache TTL', () => {
  let set: jest.SpiedFunction<LRUCache<string, object>['set']>;

  beforeEach(() => {
    set = jest.spyOn(LRUCache.prototype, 'set');
  });
  afterEach(() => set.mockRestore());

  /** The TTL each `set` handed to the LRU. */
  const ttls = () => set.mock.calls.map(([, , options]) => options?.ttl);

  it('caps the TTL at TOKEN_CACHE_TTL_SECONDS for exp at the end of the range of a date', () => {
    const tokens = cache();
    tokens.set('far', principal(MAX_TIME_CLAIM_SECONDS), 'key-1', undefined, NOW);
    expect(ttls()).toEqual([300_000]);
    expect(tokens.get('far', () => true, NOW)?.exp).toBe(MAX_TIME_CLAIM_SECONDS);
  });

  it('keeps an entry no longer than its exp plus the tolerance, in whole milliseconds', () => {
    const tokens = cache();
    tokens.set('soon', principal(NOW + 10.0005), 'key-1', undefined, NOW);
    expect(ttls()).toEqual([40_000]);
    expect(tokens.get('soon', () => true, NOW + 40.001)).toBeUndefined();
  });

  it.each([
    ['long expired', -MAX_TIME_CLAIM_SECONDS],
    ['expired beyond the tolerance', NOW - TOLERANCE],
    ['expiring within the millisecond', NOW - TOLERANCE + 0.0005],
    ['NaN', Number.NaN],
  ])('does not cache a token whose exp is %s, and does not throw', (_name, exp) => {
    const tokens = cache();
    expect(() => tokens.set('token', principal(exp), 'key-1', undefined, NOW)).not.toThrow();
    expect(set).not.toHaveBeenCalled();
    expect(tokens.size).toBe(0);
  });

  it('hands the LRU only positive whole TTLs, whatever exp it is given', () => {
    const tokens = cache();
    for (const exp of [NOW + 0.3, NOW + 1, NOW + 299.9999, MAX_TIME_CLAIM_SECONDS, Number.MAX_VALUE]) {
      tokens.set(`token-${exp}`, principal(exp), 'key-1', undefined, NOW);
    }
    for (const ttl of ttls()) {
      expect(Number.isInteger(ttl)).toBe(true);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(300_000);
    }
  });
});
