import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { DataSource } from 'typeorm';
import type { AuthenticatedRequest } from '../auth/principal.js';
import { SigningKeysService } from '../auth/signing-keys.service.js';
import { VerifiedTokenCache } from '../auth/verified-token.cache.js';
import { annotate, annotations } from '../logging/request-annotations.js';

/** pg's Pool counters, when the database is PostgreSQL. */
interface PgPool {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  options?: { max?: number };
}

/**
 * Every metric the API exports, in one registry per application (tests run several apps in one
 * process). Request metrics are recorded in a Fastify `onResponse` hook, so they cover every
 * response, errors and unknown routes included; the rest is read from its owner at scrape time,
 * which costs the request path nothing.
 */
@Injectable()
export class MetricsService implements OnModuleInit, OnApplicationShutdown {
  readonly registry = new Registry();
  private readonly requestDuration: Histogram<'method' | 'route' | 'status'>;
  private readonly authOutcomes: Counter<'outcome' | 'code' | 'reason'>;
  private readonly rateLimited: Counter<'limit'>;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    keys: SigningKeysService,
    cache: VerifiedTokenCache,
    dataSource: DataSource,
  ) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.requestDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP requests by method, route pattern and status; _count is the request count',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.authOutcomes = new Counter({
      name: 'auth_outcomes_total',
      help: 'Authentication and authorization outcomes: accepted, or refused with the RFC 6750 code and reason',
      labelNames: ['outcome', 'code', 'reason'],
      registers,
    });
    this.rateLimited = new Counter({
      name: 'rate_limited_total',
      help: 'Requests answered 429, by limit (caller: per sub; refused: per client address)',
      labelNames: ['limit'],
      registers,
    });
    new Counter({
      name: 'jwks_fetches_total',
      help: 'Requests made to the issuer key endpoint',
      registers,
      collect() {
        this.reset();
        this.inc(keys.fetchCount);
      },
    });
    new Counter({
      name: 'jwks_fetch_failures_total',
      help: 'Requests to the issuer key endpoint that failed (network, status, or no usable key)',
      registers,
      collect() {
        this.reset();
        this.inc(keys.fetchFailures);
      },
    });
    new Gauge({
      name: 'jwks_keys',
      help: 'Signing keys currently held',
      registers,
      collect() {
        this.set(keys.status().keyCount);
      },
    });
    new Gauge({
      name: 'jwks_last_success_timestamp_seconds',
      help: 'When the key set was last fetched successfully (0: never)',
      registers,
      collect() {
        this.set((keys.status().lastSuccessAt ?? 0) / 1000);
      },
    });
    new Counter({
      name: 'token_cache_hits_total',
      help: 'Verified-token cache hits (no signature check needed)',
      registers,
      collect() {
        this.reset();
        this.inc(cache.hits);
      },
    });
    new Counter({
      name: 'token_cache_misses_total',
      help: 'Verified-token cache misses (full verification)',
      registers,
      collect() {
        this.reset();
        this.inc(cache.misses);
      },
    });
    new Gauge({
      name: 'token_cache_entries',
      help: 'Tokens currently in the verified-token cache',
      registers,
      collect() {
        this.set(cache.size);
      },
    });
    new Gauge({
      name: 'db_pool_connections',
      help: 'Database connections by state (PostgreSQL pool; SQLite has one connection)',
      labelNames: ['state'],
      registers,
      collect() {
        const pool = poolOf(dataSource);
        if (pool) {
          this.set({ state: 'total' }, pool.totalCount);
          this.set({ state: 'idle' }, pool.idleCount);
          this.set({ state: 'waiting' }, pool.waitingCount);
          this.set({ state: 'max' }, pool.options?.max ?? 0);
        } else {
          const up = dataSource.isInitialized ? 1 : 0;
          this.set({ state: 'total' }, up);
          this.set({ state: 'idle' }, 0);
          this.set({ state: 'waiting' }, 0);
          this.set({ state: 'max' }, 1);
        }
      },
    });
  }

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    // onSend: the route and the caller are known, and the response has not been written yet,
    // so the request log line (written when the response finishes) can carry them.
    fastify.addHook('onSend', (request: FastifyRequest, _reply, payload, done) => {
      const { principal } = request as FastifyRequest & AuthenticatedRequest;
      annotate(request.raw, {
        route: request.routeOptions.url,
        sub: principal?.sub,
        cid: principal?.cid,
      });
      done(null, payload);
    });
    fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done) => {
      this.observe(request, reply);
      done();
    });
  }

  private observe(request: FastifyRequest, reply: FastifyReply): void {
    const route = request.routeOptions.url ?? 'unmatched';
    const status = String(reply.statusCode);
    this.requestDuration.observe({ method: request.method, route, status }, reply.elapsedTime / 1000);
    const refusal = annotations(request.raw)?.refusal;
    if (refusal) {
      this.authOutcomes.inc({ outcome: 'refused', code: refusal.code, reason: refusal.reason });
    } else if ((request as FastifyRequest & AuthenticatedRequest).principal) {
      this.authOutcomes.inc({ outcome: 'accepted', code: '', reason: '' });
    }
  }

  countRateLimited(limit: 'caller' | 'refused'): void {
    this.rateLimited.inc({ limit });
  }

  onApplicationShutdown(): void {
    this.registry.clear();
  }
}

function poolOf(dataSource: DataSource): PgPool | undefined {
  const master = (dataSource.driver as { master?: unknown }).master;
  if (typeof master === 'object' && master !== null && 'totalCount' in master) return master as PgPool;
  return undefined;
}
