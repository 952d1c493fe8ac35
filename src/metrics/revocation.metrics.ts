import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsService } from './metrics.service.js';

/** How one introspection call ended: the issuer's answer, or why there was none. */
export type IntrospectionOutcome =
  'active' | 'inactive' | 'timeout' | 'unreachable' | 'http_error' | 'bad_answer';

/** Where a revoked token was found out: an Okta event hook, or the issuer's introspection. */
export type RevocationSource = 'event_hook' | 'introspection';

/**
 * Revocation metrics, in the application's registry: events received from Okta, tokens refused as
 * revoked, introspection calls (their outcome and latency) and the cache in front of them.
 */
@Injectable()
export class RevocationMetrics {
  private readonly events: Counter<'event_type' | 'outcome'>;
  private readonly refusals: Counter<'source'>;
  private readonly introspections: Counter<'outcome'>;
  private readonly introspectionDuration: Histogram;
  private readonly introspectionCacheHits: Counter;
  private readonly syncFailures: Counter;
  private revokedUsers: () => number = () => 0;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.events = new Counter({
      name: 'revocation_events_total',
      help: 'Okta event hook events, by handled event type (other: ignored types) and outcome (stored, duplicate, expired, ignored)',
      labelNames: ['event_type', 'outcome'],
      registers,
    });
    this.refusals = new Counter({
      name: 'revoked_token_refusals_total',
      help: 'Requests refused 401 token_revoked, by source (event_hook: a stored revocation; introspection: the issuer said inactive)',
      labelNames: ['source'],
      registers,
    });
    this.introspections = new Counter({
      name: 'introspection_requests_total',
      help: 'Calls to an issuer /v1/introspect, by outcome (active, inactive; timeout, unreachable, http_error, bad_answer: answered 503)',
      labelNames: ['outcome'],
      registers,
    });
    this.introspectionDuration = new Histogram({
      name: 'introspection_duration_seconds',
      help: 'Time an issuer took to answer /v1/introspect, failures included',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
      registers,
    });
    this.introspectionCacheHits = new Counter({
      name: 'introspection_cache_hits_total',
      help: 'Requests answered from a cached introspection result (or a call already under way) instead of a new call',
      registers,
    });
    this.syncFailures = new Counter({
      name: 'revocation_sync_failures_total',
      help: 'Reads of the revocation events table (every 2 s) that failed',
      registers,
    });
    const users = () => this.revokedUsers();
    new Gauge({
      name: 'revoked_users',
      help: 'Users with a revocation event of the last 24 hours in this instance memory',
      registers,
      collect() {
        this.set(users());
      },
    });
  }

  /** Where the `revoked_users` gauge reads its figure at scrape time. */
  watchRevokedUsers(count: () => number): void {
    this.revokedUsers = count;
  }

  eventReceived(eventType: string, outcome: 'stored' | 'duplicate' | 'expired' | 'ignored', count = 1): void {
    this.events.inc({ event_type: eventType, outcome }, count);
  }

  refused(source: RevocationSource): void {
    this.refusals.inc({ source });
  }

  introspected(outcome: IntrospectionOutcome, seconds: number): void {
    this.introspections.inc({ outcome });
    this.introspectionDuration.observe(seconds);
  }

  introspectionCacheHit(): void {
    this.introspectionCacheHits.inc();
  }

  syncFailed(): void {
    this.syncFailures.inc();
  }
}
