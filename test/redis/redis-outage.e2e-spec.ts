import type { Redis } from 'ioredis';
import { startApiProcess, type ApiProcess } from '../fixtures/api-process.js';
import { JwksServer } from '../fixtures/jwks-server.js';
import { generateTestKey } from '../fixtures/keys.js';
import { sample, scrape } from '../fixtures/metrics.js';
import { dropKeys, redisClient, redisUrlOnPort, testKeyPrefix, testRedisAddress } from '../fixtures/redis.js';
import { TcpProxy } from '../fixtures/tcp-proxy.js';
import { signAccessToken } from '../fixtures/tokens.js';

/** Generous: a request waits at most REDIS_TIMEOUT_MS (100 ms here) on Redis. */
const BOUND_MS = 2000;

const OUTAGE = /Redis redis:\/\/\S+ unreachable \(/g;
const RECOVERY = /Redis redis:\/\/\S+ reachable again/g;

function count(api: ApiProcess, pattern: RegExp): number {
  return api.output().match(pattern)?.length ?? 0;
}

/** Log lines reach the output asynchronously (pino): waits, within a bound, for `pattern` to appear `times` times. */
async function logged(api: ApiProcess, pattern: RegExp, times: number): Promise<void> {
  for (let i = 0; i < 100 && count(api, pattern) < times; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(count(api, pattern)).toBe(times);
}

function metricsUrl(api: ApiProcess): string {
  const url = /metrics +(http:\/\/[^\s"]+)/.exec(api.output())?.[1];
  if (!url) throw new Error(`no metrics URL in:\n${api.output()}`);
  return url;
}

async function readiness(api: ApiProcess): Promise<{ status: number; redis: unknown; checks: unknown }> {
  const response = await fetch(`${api.url}/health/ready`);
  const body = (await response.json()) as { details: { redis: unknown }; checks: { redis: unknown } };
  return { status: response.status, redis: body.details.redis, checks: body.checks.redis };
}

/** Polls `/health/ready` until Redis is reported `state` (the link notices an outage within about a second). */
async function until(api: ApiProcess, state: 'up' | 'degraded'): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await readiness(api)).checks === state) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`redis never ${state}:\n${api.output()}`);
}

describe('Redis unreachable while instances run', () => {
  const key = generateTestKey();
  const jwks = new JwksServer([key]);
  const { host, port } = testRedisAddress();
  const proxy = new TcpProxy(host, port);
  const prefix = testKeyPrefix();
  let redis: Redis;
  let issuer: string;
  let instances: ApiProcess[] = [];

  const token = (sub: string) => signAccessToken({ issuer, key, claims: { sub } });

  /** A GET by `sub`: its status and how long it took. */
  async function get(api: ApiProcess, sub: string): Promise<{ status: number; ms: number }> {
    const started = performance.now();
    const response = await fetch(`${api.url}/api/messages`, {
      headers: { authorization: `Bearer ${token(sub)}` },
    });
    await response.arrayBuffer();
    return { status: response.status, ms: performance.now() - started };
  }

  beforeAll(async () => {
    redis = await redisClient();
    issuer = await jwks.start();
    const proxyPort = await proxy.start();
    instances = await Promise.all(
      [1, 2].map(() =>
        startApiProcess({
          OKTA_ISSUER: issuer,
          REDIS_URL: redisUrlOnPort(proxyPort),
          REDIS_KEY_PREFIX: prefix,
          REDIS_TIMEOUT_MS: '100',
          RATE_LIMIT_PER_CALLER: '6',
          LOG_FORMAT: 'json',
        }),
      ),
    );
  }, 60_000);

  afterAll(async () => {
    await Promise.all(instances.map((api) => api.stop()));
    await proxy.stop();
    await jwks.stop();
    await dropKeys(redis, prefix);
  });

  it('shares the caller limit while Redis answers', async () => {
    const [a, b] = instances;
    for (const api of [a, b, a, b, a, b]) expect((await get(api, 'before@example.com')).status).toBe(200);
    expect((await get(a, 'before@example.com')).status).toBe(429);
    for (const api of instances) expect(await readiness(api)).toMatchObject({ status: 200, checks: 'up' });
  });

  it('keeps answering when Redis refuses connections, each instance limiting on its own, and warns once', async () => {
    const [a, b] = instances;
    await proxy.cut('refuse');
    const answers: { status: number; ms: number }[] = [];
    // Five each: under the limit of six on each instance, over it had they still shared a count.
    for (let i = 0; i < 5; i++)
      answers.push(await get(a, 'during@example.com'), await get(b, 'during@example.com'));
    expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: 10 }, () => 200));
    expect(Math.max(...answers.map((answer) => answer.ms))).toBeLessThan(BOUND_MS);
    for (const api of instances) {
      await until(api, 'degraded');
      const ready = await readiness(api);
      expect(ready.status).toBe(200);
      expect(ready.redis).toEqual({ status: 'degraded', message: expect.stringContaining('Redis') });
      const metrics = await scrape(metricsUrl(api));
      expect(sample(metrics, 'redis_up')).toBe(0);
      expect(sample(metrics, 'redis_fallbacks_total', { use: 'rate_limit' })).toBeGreaterThanOrEqual(5);
    }
    // More requests while ioredis keeps trying to reconnect: still one warning per instance.
    for (let i = 0; i < 10; i++)
      expect((await get(instances[i % 2], `during-${i}@example.com`)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    for (const api of instances) await logged(api, OUTAGE, 1);
  });

  it('shares the limits again once Redis is back, and says so once', async () => {
    const [a, b] = instances;
    await proxy.restore();
    for (const api of instances) await until(api, 'up');
    for (const api of [a, b, a, b, a, b]) expect((await get(api, 'after@example.com')).status).toBe(200);
    expect((await get(b, 'after@example.com')).status).toBe(429);
    for (const api of instances) {
      await logged(api, RECOVERY, 1);
      expect(sample(await scrape(metricsUrl(api)), 'redis_up')).toBe(1);
    }
  });

  it('answers within the command timeout when the network goes silent without closing connections', async () => {
    const before = await Promise.all(
      instances.map(async (api) => sample(await scrape(metricsUrl(api)), 'redis_fallbacks_total') ?? 0),
    );
    await proxy.cut('silence');
    const answers: { status: number; ms: number }[] = [];
    for (let i = 0; i < 20; i++) answers.push(await get(instances[i % 2], `silent-${i}@example.com`));
    expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: 20 }, () => 200));
    expect(Math.max(...answers.map((answer) => answer.ms))).toBeLessThan(BOUND_MS);
    for (const [i, api] of instances.entries()) {
      await until(api, 'degraded');
      expect(sample(await scrape(metricsUrl(api)), 'redis_fallbacks_total')).toBeGreaterThan(before[i]);
      await logged(api, OUTAGE, 2);
    }
    await proxy.restore();
    for (const api of instances) await until(api, 'up');
    for (const api of instances) await logged(api, RECOVERY, 2);
    expect(instances.every((api) => api.child.exitCode === null)).toBe(true);
  });
});

describe('Redis unreachable when an instance starts', () => {
  const key = generateTestKey();
  const jwks = new JwksServer([key]);
  const { host, port } = testRedisAddress();
  const proxy = new TcpProxy(host, port);
  const prefix = testKeyPrefix();
  let redis: Redis;
  let api: ApiProcess | undefined;

  afterAll(async () => {
    await api?.stop();
    await proxy.stop();
    await jwks.stop();
    await dropKeys(redis, prefix);
  });

  it('starts degraded with one warning, serves, and uses Redis once it answers', async () => {
    redis = await redisClient();
    const issuer = await jwks.start();
    const proxyPort = await proxy.start();
    await proxy.cut('refuse');
    api = await startApiProcess({
      OKTA_ISSUER: issuer,
      REDIS_URL: redisUrlOnPort(proxyPort),
      REDIS_KEY_PREFIX: prefix,
    });
    const warnings = api.output().match(/Redis redis:\/\/\S+ unreachable at start-up/g) ?? [];
    expect(warnings).toHaveLength(1);
    const sub = 'starter@example.com';
    const answer = await fetch(`${api.url}/api/messages`, {
      headers: { authorization: `Bearer ${signAccessToken({ issuer, key, claims: { sub } })}` },
    });
    expect(answer.status).toBe(200);
    expect(await readiness(api)).toMatchObject({ status: 200, checks: 'degraded' });
    expect(await redis.exists(`${prefix}rl:caller:${sub}`)).toBe(0);

    await proxy.restore();
    await until(api, 'up');
    await logged(api, RECOVERY, 1);
    const again = await fetch(`${api.url}/api/messages`, {
      headers: { authorization: `Bearer ${signAccessToken({ issuer, key, claims: { sub } })}` },
    });
    expect(again.status).toBe(200);
    expect(await redis.exists(`${prefix}rl:caller:${sub}`)).toBe(1);
  }, 60_000);
});
