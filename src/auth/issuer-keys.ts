import { Logger } from '@nestjs/common';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { JwksClient } from 'jwks-rsa';
import { ServiceUnavailableError } from '../common/service-unavailable.error.js';
import { InvalidTokenError } from './bearer-errors.js';
import { FailureLog } from './failure-log.js';
import { describeFetchFailure, fetchKeySet, KeyFetchError } from './key-set-fetch.js';
import { RefusalReason } from './refusal-reason.js';

/**
 * Time between two fetches asked for by unknown `kid`s: a flood of random `kid`s reaches the key
 * endpoint at most 10 times a minute, and a key published meanwhile is fetched within this long.
 */
export const UNKNOWN_KID_COOLDOWN_MS = 6000;
/** RFC 7518 3.3: RS256 keys must be 2048 bits or longer. */
export const MIN_RSA_BITS = 2048;
const FETCH_TIMEOUT_MS = 3000;

export interface KeysStatus {
  loaded: boolean;
  keyCount: number;
  lastSuccessAt: number | undefined;
  lastFailureAt: number | undefined;
  stale: boolean;
}

/**
 * One issuer's signing keys (`SigningKeysService` holds one per issuer). Fetched once at startup,
 * refreshed in the background, and refetched on an unknown `kid` (how a newly published key is
 * accepted on first sight). Each issuer has its own cooldown: one site's flood or outage is its own.
 *
 * jwks-rsa's own cache and rate limiter are not used: once its rate limit is spent by random
 * `kid`s, a genuine new key fails too. Here the last good key set stays usable until a later fetch
 * succeeds, and unknown `kid`s wait out a short cooldown (503) rather than spend a budget (401).
 */
export class IssuerKeys {
  // The name operators' log queries know.
  private readonly logger = new Logger('SigningKeysService');
  private readonly client: JwksClient;
  readonly jwksUri: string;
  private keys = new Map<string, KeyObject>();
  /** Keys of the last key set that are too short to trust: their tokens are refused at once. */
  private weakKids = new Set<string>();
  private inFlight: Promise<boolean> | undefined;
  private lastUnknownKidFetchAt = -Infinity;
  private lastSuccessAt: number | undefined;
  private lastFailureAt: number | undefined;
  private readonly failureLog = new FailureLog();
  private timer: NodeJS.Timeout | undefined;
  /** Number of requests made to the key endpoint, for tests and metrics. */
  fetchCount = 0;
  /** Fetches that failed (network, status, or no usable key), for metrics. */
  fetchFailures = 0;

  /**
   * `label` names where the issuer was configured in the error logged when its keys cannot be
   * fetched (`OKTA_ISSUER`, `site "a"`…).
   */
  constructor(
    readonly issuer: string,
    private readonly label: string,
    private readonly refreshSeconds: number,
  ) {
    this.jwksUri = `${issuer}/v1/keys`;
    this.client = new JwksClient({
      jwksUri: this.jwksUri,
      cache: false,
      rateLimit: false,
      fetcher: (uri) => fetchKeySet(uri, FETCH_TIMEOUT_MS),
    });
  }

  async start(): Promise<void> {
    // A down issuer must not stop the API from starting: readiness reports it instead.
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.refreshSeconds * 1000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /**
   * The verification key for `kid`; a 401 when a fetch made after the token arrived does not
   * have it, or a 503 when the key endpoint may not be asked again yet or did not answer.
   */
  async keyFor(kid: string): Promise<KeyObject> {
    const known = this.lookup(kid);
    if (known) return known;
    // A fetch under way started before this token arrived: it may still carry its key.
    if (this.inFlight && (await this.inFlight)) {
      const fetched = this.lookup(kid);
      if (fetched) return fetched;
    }
    // One started since then answers for this token; otherwise start one, unless cooling down.
    if (this.inFlight === undefined) {
      const waitMs = this.cooldownLeftMs();
      if (waitMs > 0) throw this.unavailable('signing key not known yet; try again shortly', waitMs);
      this.lastUnknownKidFetchAt = Date.now();
    }
    const succeeded = await this.refresh();
    const fetched = this.lookup(kid);
    if (fetched) return fetched;
    if (!succeeded) {
      throw this.unavailable('the signing keys could not be fetched from the issuer', this.cooldownLeftMs());
    }
    throw new InvalidTokenError(RefusalReason.UnknownSigningKey, 'unknown signing key');
  }

  /** Whether `kid` is in the current key set (a cached token stays valid only while its key does). */
  has(kid: string): boolean {
    return this.keys.has(kid);
  }

  status(now = Date.now()): KeysStatus {
    const staleAfterMs = 2 * this.refreshSeconds * 1000 + FETCH_TIMEOUT_MS;
    return {
      loaded: this.keys.size > 0,
      keyCount: this.keys.size,
      lastSuccessAt: this.lastSuccessAt,
      lastFailureAt: this.lastFailureAt,
      stale: this.lastSuccessAt === undefined || now - this.lastSuccessAt > staleAfterMs,
    };
  }

  /**
   * Fetches the key set, or joins the fetch under way; resolves to whether it succeeded. The
   * background refresh calls this directly: the cooldown only paces fetches for unknown `kid`s.
   */
  refresh(): Promise<boolean> {
    this.inFlight ??= this.fetch().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private lookup(kid: string): KeyObject | undefined {
    if (this.weakKids.has(kid))
      throw new InvalidTokenError(RefusalReason.WeakSigningKey, 'signing key shorter than 2048 bits');
    return this.keys.get(kid);
  }

  private cooldownLeftMs(): number {
    return Math.max(0, this.lastUnknownKidFetchAt + UNKNOWN_KID_COOLDOWN_MS - Date.now());
  }

  private unavailable(message: string, waitMs: number): ServiceUnavailableError {
    return new ServiceUnavailableError(message, Math.max(1, Math.ceil(waitMs / 1000)));
  }

  private async fetch(): Promise<boolean> {
    this.fetchCount += 1;
    try {
      const keys = new Map<string, KeyObject>();
      const weakKids = new Set<string>();
      for (const key of await this.client.getSigningKeys()) {
        if (!key.kid || key.alg !== 'RS256') continue;
        const publicKey = createPublicKey(key.getPublicKey());
        const bits = publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
        if (publicKey.asymmetricKeyType !== 'rsa' || bits < MIN_RSA_BITS) weakKids.add(key.kid);
        else keys.set(key.kid, publicKey);
      }
      if (keys.size === 0) throw new KeyFetchError('no RS256 signing key of 2048 bits or more published');
      this.keys = keys;
      this.weakKids = weakKids;
      this.lastSuccessAt = Date.now();
      if (this.failureLog.succeeded()) {
        this.logger.log(`signing keys fetched again from ${this.jwksUri} (${keys.size})`);
      }
      return true;
    } catch (error) {
      this.lastFailureAt = Date.now();
      this.fetchFailures += 1;
      if (this.failureLog.failed(this.lastFailureAt)) {
        this.logger.error(
          `${this.label} ${this.issuer}: cannot fetch its signing keys from ${this.jwksUri}: ${describeFetchFailure(error)}`,
        );
      }
      return false;
    }
  }
}
