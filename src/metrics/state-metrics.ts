import type { Registry } from 'prom-client';
import { Counter, Gauge } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { SigningKeysService } from '../auth/signing-keys.service.js';
import type { VerifiedTokenCache } from '../auth/verified-token.cache.js';

/** pg's Pool counters, when the database is PostgreSQL (read through TypeORM's public `driver`). */
interface PgPool {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  options?: { max?: number };
}

function poolOf(dataSource: DataSource): PgPool | undefined {
  const master = (dataSource.driver as { master?: unknown }).master;
  if (typeof master === 'object' && master !== null && 'totalCount' in master) return master as PgPool;
  return undefined;
}

/** Metrics read from their owner at scrape time: the key set, the token cache, the database pool. */
export function registerStateMetrics(
  registers: Registry[],
  keys: SigningKeysService,
  cache: VerifiedTokenCache,
  dataSource: DataSource,
): void {
  // Totals are kept by their owner; a counter here reports the owner's figure at each scrape.
  const counter = (name: string, help: string, read: () => number) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read());
      },
    });
  // By issuer (sites on one authorization server share its keys).
  const issuers = () => keys.all();
  new Counter({
    name: 'jwks_fetches_total',
    help: 'Requests made to an issuer key endpoint, by issuer',
    labelNames: ['issuer'],
    registers,
    collect() {
      this.reset();
      for (const set of issuers()) this.inc({ issuer: set.issuer }, set.fetchCount);
    },
  });
  new Counter({
    name: 'jwks_fetch_failures_total',
    help: 'Requests to an issuer key endpoint that failed (network, status, or no usable key), by issuer',
    labelNames: ['issuer'],
    registers,
    collect() {
      this.reset();
      for (const set of issuers()) this.inc({ issuer: set.issuer }, set.fetchFailures);
    },
  });
  new Gauge({
    name: 'jwks_keys',
    help: 'Signing keys currently held, by issuer',
    labelNames: ['issuer'],
    registers,
    collect() {
      for (const set of issuers()) this.set({ issuer: set.issuer }, set.status().keyCount);
    },
  });
  new Gauge({
    name: 'jwks_last_success_timestamp_seconds',
    help: 'When the key set was last fetched successfully (0: never), by issuer',
    labelNames: ['issuer'],
    registers,
    collect() {
      for (const set of issuers()) this.set({ issuer: set.issuer }, (set.status().lastSuccessAt ?? 0) / 1000);
    },
  });
  counter(
    'token_cache_hits_total',
    'Verified-token cache hits (no signature check needed)',
    () => cache.hits,
  );
  counter(
    'token_cache_misses_total',
    'Verified-token cache misses (then full verification, or a 400 for a malformed token)',
    () => cache.misses,
  );
  gauge('token_cache_entries', 'Tokens currently in the verified-token cache', () => cache.size);
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
