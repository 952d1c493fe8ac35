import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { DataSource } from 'typeorm';
import { siteOf, type AuthenticatedRequest } from '../auth/principal.js';
import { SigningKeysService } from '../auth/signing-keys.service.js';
import { VerifiedTokenCache } from '../auth/verified-token.cache.js';
import { annotations } from '../logging/request-annotations.js';
import { REDIS_LINK, type RedisLink } from '../shared-state/redis-link.js';
import { registerRedisMetrics } from './redis-metrics.js';
import { registerStateMetrics } from './state-metrics.js';

/**
 * Every metric the API exports, in one registry per application (tests run several apps in one
 * process). Request metrics are recorded once per response by the request-completion hook; the
 * rest is read from its owner at scrape time, which costs the request path nothing.
 */
@Injectable()
export class MetricsService implements OnApplicationShutdown {
  readonly registry = new Registry();
  private readonly requestDuration: Histogram<'method' | 'route' | 'status' | 'site'>;
  private readonly authOutcomes: Counter<'outcome' | 'code' | 'reason' | 'site'>;
  private readonly rateLimited: Counter<'limit'>;
  private readonly idempotency: Counter<'outcome'>;
  private readonly stepUpChallenges: Counter<'reason'>;
  private readonly dpopAccepted: Counter<'site'>;

  constructor(
    keys: SigningKeysService,
    cache: VerifiedTokenCache,
    dataSource: DataSource,
    @Inject(REDIS_LINK) redis: RedisLink | null,
  ) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.requestDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP requests by method, route pattern, status and site (empty: no token site); _count is the request count',
      labelNames: ['method', 'route', 'status', 'site'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.authOutcomes = new Counter({
      name: 'auth_outcomes_total',
      help: 'Authentication and authorization outcomes: accepted, or refused with the RFC 6750 code and reason; by site',
      labelNames: ['outcome', 'code', 'reason', 'site'],
      registers,
    });
    this.rateLimited = new Counter({
      name: 'rate_limited_total',
      help: 'Requests answered 429, by limit (caller: per sub; refused: per client address)',
      labelNames: ['limit'],
      registers,
    });
    this.idempotency = new Counter({
      name: 'idempotent_requests_total',
      help: 'Requests with a reused Idempotency-Key: replayed (201 again, nothing written), body_mismatch (422), in_flight or message_deleted (409)',
      labelNames: ['outcome'],
      registers,
    });
    this.stepUpChallenges = new Counter({
      name: 'step_up_challenges_total',
      help: 'Admin actions answered 401 insufficient_user_authentication (RFC 9470), by reason',
      labelNames: ['reason'],
      registers,
    });
    this.dpopAccepted = new Counter({
      name: 'dpop_accepted_total',
      help: 'Requests accepted with a DPoP-bound token and its proof (RFC 9449), by site; also counted in auth_outcomes_total',
      labelNames: ['site'],
      registers,
    });
    registerStateMetrics(registers, keys, cache, dataSource);
    if (redis) registerRedisMetrics(registers, redis);
  }

  /** One finished response: its duration by route and status, and the authentication outcome. */
  observe(request: FastifyRequest, reply: FastifyReply, route: string | undefined, elapsedMs: number): void {
    const site = siteOf(request as FastifyRequest & AuthenticatedRequest);
    this.requestDuration
      .labels(request.method, route ?? 'unmatched', String(reply.statusCode), site)
      .observe(elapsedMs / 1000);
    const { refusal, idempotency } = annotations(request.raw) ?? {};
    if (idempotency) this.idempotency.inc({ outcome: idempotency });
    if (refusal?.code === 'rate_limited') {
      this.rateLimited.inc({ limit: refusal.reason });
    } else if (refusal) {
      this.authOutcomes.inc({ outcome: 'refused', code: refusal.code, reason: refusal.reason, site });
      if (refusal.code === 'insufficient_user_authentication')
        this.stepUpChallenges.inc({ reason: refusal.reason });
    } else {
      const { principal } = request as FastifyRequest & AuthenticatedRequest;
      if (!principal) return;
      this.authOutcomes.inc({ outcome: 'accepted', code: '', reason: '', site });
      if (principal.dpopJkt !== undefined) this.dpopAccepted.inc({ site });
    }
  }

  onApplicationShutdown(): void {
    this.registry.clear();
  }
}
