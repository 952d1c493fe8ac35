import { Inject, Injectable } from '@nestjs/common';
import { hash as digest } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { APP_CONFIG, type ResolvedConfig } from '../config/app-config.js';
import type { Principal } from './principal.js';

interface Entry {
  principal: Principal;
  kid: string;
  nbf: number | undefined;
}

/**
 * Tokens that passed full verification, keyed by a SHA-256 of the token (the token itself is
 * never kept). Only verified tokens get in, so junk tokens cannot evict good ones; each entry
 * lives no longer than its token's `exp` or the configured maximum, and every hit re-checks
 * `exp`, `nbf` and that the signing key is still published.
 */
@Injectable()
export class VerifiedTokenCache {
  private readonly entries: LRUCache<string, Entry> | undefined;
  private readonly maxTtlMs: number;
  private readonly tolerance: number;
  hits = 0;
  misses = 0;

  constructor(@Inject(APP_CONFIG) config: ResolvedConfig) {
    const { maxEntries, maxTtlSeconds } = config.tokenCache;
    this.maxTtlMs = maxTtlSeconds * 1000;
    this.tolerance = config.okta.clockToleranceSeconds;
    this.entries = maxEntries > 0 && maxTtlSeconds > 0 ? new LRUCache({ max: maxEntries }) : undefined;
  }

  get(
    token: string,
    stillValid: (kid: string, site: string) => boolean,
    nowSeconds = Date.now() / 1000,
  ): Principal | undefined {
    if (!this.entries) return undefined;
    const key = hash(token);
    const entry = this.entries.get(key);
    const fresh =
      entry !== undefined &&
      entry.principal.exp + this.tolerance > nowSeconds &&
      (entry.nbf === undefined || entry.nbf - this.tolerance <= nowSeconds) &&
      stillValid(entry.kid, entry.principal.site);
    if (!fresh) {
      if (entry) this.entries.delete(key);
      this.misses += 1;
      return undefined;
    }
    this.hits += 1;
    return entry.principal;
  }

  set(
    token: string,
    principal: Principal,
    kid: string,
    nbf: number | undefined,
    nowSeconds = Date.now() / 1000,
  ): void {
    if (!this.entries) return;
    // `exp` is within ±8.64e12 s (checkTimeClaims), so the milliseconds stay exact integers below
    // 2^53; the cap keeps the TTL at most `maxTtlMs` whatever `exp` is, and a NaN fails `ttl > 0`.
    const ttl = Math.min(this.maxTtlMs, Math.floor((principal.exp + this.tolerance - nowSeconds) * 1000));
    if (ttl > 0) this.entries.set(hash(token), { principal, kid, nbf }, { ttl });
  }

  get size(): number {
    return this.entries?.size ?? 0;
  }
}

/** One-shot SHA-256 (no Hash object per request). */
function hash(token: string): string {
  return digest('sha256', token, 'base64url');
}
