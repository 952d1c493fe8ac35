import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { JwksClient } from 'jwks-rsa';
import { APP_CONFIG, type ResolvedConfig } from '../config/app-config.js';
import { ServiceUnavailableError } from '../common/service-unavailable.error.js';
import { InvalidTokenError } from './bearer-errors.js';
import { RefusalReason } from './refusal-reason.js';

/** At most this many fetches of the key endpoint in any sliding minute, whatever asks for them. */
export const MAX_FETCHES_PER_MINUTE = 10;
const FETCH_TIMEOUT_MS = 3000;
const RETRY_AFTER_SECONDS = 10;

export interface KeysStatus {
  loaded: boolean;
  keyCount: number;
  lastSuccessAt: number | undefined;
  lastFailureAt: number | undefined;
  stale: boolean;
}

/**
 * The issuer's signing keys. Fetched once at startup, refreshed in the background, and refetched
 * on an unknown `kid` (how a newly published key is accepted on first sight).
 *
 * jwks-rsa's own cache and rate limiter are not used: once its rate limit is spent by random
 * `kid`s, a cache-expired but genuine key fails too. Here the last good key set stays usable
 * until a later fetch succeeds, and the rate limit only ever stops fetches, never lookups.
 */
@Injectable()
export class SigningKeysService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SigningKeysService.name);
  private readonly client: JwksClient;
  readonly jwksUri: string;
  private keys = new Map<string, KeyObject>();
  private fetchStarts: number[] = [];
  private inFlight: Promise<void> | undefined;
  private lastSuccessAt: number | undefined;
  private lastFailureAt: number | undefined;
  private lastAttemptFailed = false;
  private timer: NodeJS.Timeout | undefined;
  /** Number of requests made to the key endpoint, for tests and metrics. */
  fetchCount = 0;
  /** Fetches that failed (network, status, or no usable key), for metrics. */
  fetchFailures = 0;

  constructor(@Inject(APP_CONFIG) private readonly config: ResolvedConfig) {
    this.jwksUri = `${config.okta.issuer.replace(/\/+$/, '')}/v1/keys`;
    this.client = new JwksClient({
      jwksUri: this.jwksUri,
      cache: false,
      rateLimit: false,
      timeout: FETCH_TIMEOUT_MS,
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    // A down issuer must not stop the API from starting: readiness reports it instead.
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.config.okta.jwksRefreshSeconds * 1000);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** The verification key for `kid`, or a 401 (unknown key) / 503 (issuer unreachable). */
  async keyFor(kid: string): Promise<KeyObject> {
    const known = this.keys.get(kid);
    if (known) return known;
    await this.refresh();
    const fetched = this.keys.get(kid);
    if (fetched) return fetched;
    if (this.lastAttemptFailed) {
      throw new ServiceUnavailableError(
        'the signing keys could not be fetched from the issuer',
        RETRY_AFTER_SECONDS,
      );
    }
    throw new InvalidTokenError(RefusalReason.UnknownSigningKey, 'unknown signing key');
  }

  /** Whether `kid` is in the current key set (a cached token stays valid only while its key does). */
  has(kid: string): boolean {
    return this.keys.has(kid);
  }

  status(now = Date.now()): KeysStatus {
    const staleAfterMs = 2 * this.config.okta.jwksRefreshSeconds * 1000 + FETCH_TIMEOUT_MS;
    return {
      loaded: this.keys.size > 0,
      keyCount: this.keys.size,
      lastSuccessAt: this.lastSuccessAt,
      lastFailureAt: this.lastFailureAt,
      stale: this.lastSuccessAt === undefined || now - this.lastSuccessAt > staleAfterMs,
    };
  }

  /** Fetches the key set unless a fetch is under way (then joins it) or the rate limit is spent. */
  refresh(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    const now = Date.now();
    this.fetchStarts = this.fetchStarts.filter((at) => now - at < 60_000);
    if (this.fetchStarts.length >= MAX_FETCHES_PER_MINUTE) return Promise.resolve();
    this.fetchStarts.push(now);
    this.inFlight = this.fetch().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async fetch(): Promise<void> {
    this.fetchCount += 1;
    try {
      const signingKeys = await this.client.getSigningKeys();
      const keys = new Map<string, KeyObject>();
      for (const key of signingKeys) {
        if (key.kid && key.alg === 'RS256') keys.set(key.kid, createPublicKey(key.getPublicKey()));
      }
      if (keys.size === 0) throw new Error('no RS256 signing keys published');
      this.keys = keys;
      this.lastSuccessAt = Date.now();
      this.lastAttemptFailed = false;
    } catch (error) {
      this.lastFailureAt = Date.now();
      this.lastAttemptFailed = true;
      this.fetchFailures += 1;
      this.logger.warn(`fetching signing keys from ${this.jwksUri} failed: ${describe(error)}`);
    }
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'errorMsg' in error) return String(error.errorMsg);
  return 'unknown error';
}
