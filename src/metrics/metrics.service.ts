import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { DataSource } from 'typeorm';
import type { AuthenticatedRequest } from '../auth/principal.js';
import { SigningKeysService } from '../auth/signing-keys.service.js';
import { VerifiedTokenCache } from '../auth/verified-token.cache.js';
import { observeRouterAnswers } from '../common/router-answers.js';
import { annotations } from '../logging/request-annotations.js';
import { RequestLog } from '../logging/request.log.js';

/** A histogram's child for one set of label values. */
interface Observer {
  observe(value: number): void;
}

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
 * response, errors and unknown routes included (the same hook writes the request log line), and
 * for what the router answers before any hook (`router-answers.ts`); the rest is read from its
 * owner at scrape time, which costs the request path nothing.
 */
@Injectable()
export class MetricsService implements OnModuleInit, OnApplicationShutdown {
  readonly registry = new Registry();
  private readonly requestDuration: Histogram<'method' | 'route' | 'status'>;
  private readonly authOutcomes: Counter<'outcome' | 'code' | 'reason'>;
  private readonly rateLimited: Counter<'limit'>;
  private readonly accepted: { inc(): void };
  private readonly durations = new Map<string, Observer>();

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    keys: SigningKeysService,
    cache: VerifiedTokenCache,
    dataSource: DataSource,
    private readonly requestLog: RequestLog,
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
    this.accepted = this.authOutcomes.labels('accepted', '', '');
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
      help: 'Verified-token cache misses (then full verification, or a 400 for a malformed token)',
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
    // The one per-request hook of metrics and logs: the response has finished, so its status and
    // duration are final, and the route, the caller and any refusal are known.
    fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done) => {
      this.record(request, reply, reply.elapsedTime);
      done();
    });
    // What the router answers itself (a malformed URL, an over-long path segment) runs no hook.
    observeRouterAnswers(fastify, (request, reply, elapsedMs) => this.record(request, reply, elapsedMs));
  }

  private record(request: FastifyRequest, reply: FastifyReply, elapsedMs: number): void {
    // Read once: Fastify builds a fresh routeOptions object on every access.
    const route = request.routeOptions.url;
    this.observe(request, reply, route, elapsedMs);
    this.requestLog.write(request, reply, route, elapsedMs);
  }

  private observe(
    request: FastifyRequest,
    reply: FastifyReply,
    route: string | undefined,
    elapsedMs: number,
  ): void {
    this.durationOf(request.method, route, reply.statusCode).observe(elapsedMs / 1000);
    const refusal = annotations(request.raw)?.refusal;
    if (refusal) {
      this.authOutcomes.inc({ outcome: 'refused', code: refusal.code, reason: refusal.reason });
    } else if ((request as FastifyRequest & AuthenticatedRequest).principal) {
      this.accepted.inc();
    }
  }

  /**
   * The histogram's child for these labels, looked up once per combination (routes, methods and
   * statuses are few) rather than hashing a label object on every request.
   */
  private durationOf(method: string, url: string | undefined, statusCode: number): Observer {
    const route = url ?? 'unmatched';
    const key = `${method} ${statusCode} ${route}`;
    let child = this.durations.get(key);
    if (!child) {
      child = this.requestDuration.labels(method, route, String(statusCode));
      this.durations.set(key, child);
    }
    return child;
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
