import { Inject, Injectable, Logger } from '@nestjs/common';
import { hash as digest } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { LRUCache } from 'lru-cache';
import { FailureLog } from '../auth/failure-log.js';
import type { Principal } from '../auth/principal.js';
import { ServiceUnavailableError } from '../common/service-unavailable.error.js';
import { APP_CONFIG, type ResolvedConfig, type RevocationConfig } from '../config/app-config.js';
import { RevocationMetrics } from '../metrics/revocation.metrics.js';
import { introspect, IntrospectionError } from './introspection-request.js';

/** Routes that change data: what `INTROSPECT=writes` asks the issuer about. */
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** A write waits at most this long for the issuer; then 503. */
export const INTROSPECTION_TIMEOUT_MS = 2000;
const RETRY_AFTER_SECONDS = 2;
const CACHE_MAX_ENTRIES = 10_000;

/**
 * Asks the token's issuer (`{issuer}/v1/introspect`) whether a token that passed local validation is
 * still active (RFC 7662): what finds a token revoked at Okta (sign-out, an admin revoking it) that
 * no event hook reports. Answers are kept per token (a SHA-256 of it) for
 * `INTROSPECTION_CACHE_SECONDS`; concurrent requests with one token share one call. An issuer that
 * does not answer, or answers anything but a clear yes or no, is a 503: never a pass.
 */
@Injectable()
export class IntrospectionService {
  private readonly logger = new Logger('Introspection');
  private readonly config: RevocationConfig['introspection'];
  private readonly answers: LRUCache<string, boolean> | undefined;
  private readonly inFlight = new Map<string, Promise<boolean>>();
  private readonly failures = new Map<string, FailureLog>();
  /** Each site's issuer: a token is asked about at its own site's issuer only. */
  private readonly issuers: Map<string, string>;

  constructor(
    @Inject(APP_CONFIG) config: ResolvedConfig,
    private readonly metrics: RevocationMetrics,
  ) {
    this.config = config.revocation.introspection;
    this.issuers = new Map(config.sites.map((site) => [site.id, site.issuer]));
    if (this.config.cacheSeconds > 0) this.answers = new LRUCache({ max: CACHE_MAX_ENTRIES });
  }

  /** Whether a request with this method is introspected (`INTROSPECT`). */
  applies(method: string): boolean {
    const { mode } = this.config;
    return mode === 'all' || (mode === 'writes' && WRITE_METHODS.has(method));
  }

  /** The issuer's `active`: from the cache, the call under way for this token, or a new call. */
  async active(token: string, principal: Principal): Promise<boolean> {
    const key = digest('sha256', token, 'base64url');
    const known = this.answers?.get(key) ?? this.inFlight.get(key);
    if (known !== undefined) {
      this.metrics.introspectionCacheHit();
      return known;
    }
    const call = this.ask(this.issuers.get(principal.site)!, token)
      .then((active) => {
        this.remember(key, active, principal.exp);
        return active;
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, call);
    return call;
  }

  private remember(key: string, active: boolean, exp: number): void {
    // Never past the token's own expiry: an active answer says nothing about later.
    const ttl = Math.min(this.config.cacheSeconds * 1000, Math.floor(exp * 1000 - Date.now()));
    if (this.answers && ttl > 0) this.answers.set(key, active, { ttl });
  }

  private async ask(issuer: string, token: string): Promise<boolean> {
    const endpoint = `${issuer}/v1/introspect`;
    const started = performance.now();
    const elapsed = () => (performance.now() - started) / 1000;
    try {
      const active = await introspect(endpoint, token, this.config.client!, INTROSPECTION_TIMEOUT_MS);
      this.metrics.introspected(active ? 'active' : 'inactive', elapsed());
      if (this.failureLog(issuer).succeeded()) this.logger.log(`${endpoint} answers again`);
      return active;
    } catch (error) {
      const failure =
        error instanceof IntrospectionError ? error : new IntrospectionError('bad_answer', String(error));
      this.metrics.introspected(failure.outcome, elapsed());
      if (this.failureLog(issuer).failed(Date.now())) {
        this.logger.error(`cannot introspect tokens at ${endpoint}: ${failure.message}`);
      }
      throw new ServiceUnavailableError(
        'the issuer could not confirm that the token is still valid; try again shortly',
        RETRY_AFTER_SECONDS,
      );
    }
  }

  private failureLog(issuer: string): FailureLog {
    let log = this.failures.get(issuer);
    if (!log) this.failures.set(issuer, (log = new FailureLog()));
    return log;
  }
}
