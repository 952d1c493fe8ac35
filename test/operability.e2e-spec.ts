import request from 'supertest';
import { MetricsServer } from '../src/metrics/metrics.server.js';
import { JwksServer } from './fixtures/jwks-server.js';
import { generateTestKey } from './fixtures/keys.js';
import { sample, scrape } from './fixtures/metrics.js';
import { startOktaTestEnv, type OktaTestEnv } from './fixtures/okta-test-env.js';
import { createTestApp } from './fixtures/test-app.js';

describe('operating the API', () => {
  let env: OktaTestEnv;

  beforeAll(async () => {
    env = await startOktaTestEnv({ CORS_ORIGINS: 'https://app.example.com' });
  });

  afterAll(() => env.close());

  describe('health (terminus)', () => {
    it('answers liveness and readiness without a token', async () => {
      await request(env.api.server)
        .get('/health/live')
        .expect(200, { status: 'ok', info: {}, error: {}, details: {} });
      const ready = await request(env.api.server).get('/health/ready').expect(200);
      expect(ready.body).toMatchObject({
        status: 'ok',
        details: { database: { status: 'up' }, keys: { status: 'up', keyCount: 1 } },
      });
    });
  });

  describe('security headers', () => {
    const API_HEADERS = {
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
    };

    it('sends the API set on every JSON answer, success, refusal and 404 alike, and no X-Powered-By', async () => {
      const answers = [
        await request(env.api.server).get('/health/live').expect(200),
        await request(env.api.server)
          .get('/api/messages')
          .set('Authorization', `Bearer ${env.token()}`)
          .expect(200),
        await request(env.api.server).get('/api/messages').expect(401),
        await request(env.api.server).get('/api/nothing-here').expect(404),
      ];
      for (const response of answers) {
        expect(response.headers['content-type']).toMatch(/^application\/json/);
        expect(response.headers).toMatchObject(API_HEADERS);
        // no-store, or the health checks' own no-cache, no-store, must-revalidate.
        expect(response.headers['cache-control']).toMatch(/(^|, )no-store(,|$)/);
        expect(response.headers['x-powered-by']).toBeUndefined();
        // helmet's document-only headers are not sent with data.
        expect(response.headers['referrer-policy']).toBeUndefined();
        expect(response.headers['cross-origin-opener-policy']).toBeUndefined();
      }
    });

    it("sends helmet's full set on HTML (Swagger UI) and on answers without a body", async () => {
      const docs = await request(env.api.server).get('/api/docs').expect(200);
      expect(docs.headers['content-type']).toMatch(/^text\/html/);
      const preflight = await request(env.api.server)
        .options('/api/messages')
        .set('Origin', 'https://app.example.com')
        .set('Access-Control-Request-Method', 'GET')
        .expect(204);
      for (const response of [docs, preflight]) {
        expect(response.headers['content-security-policy']).toContain("script-src 'self'");
        expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
        expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
        expect(response.headers['referrer-policy']).toBe('no-referrer');
        expect(response.headers['x-content-type-options']).toBe('nosniff');
        expect(response.headers['cache-control']).not.toBe('no-store');
        expect(response.headers['x-powered-by']).toBeUndefined();
      }
      // Swagger UI keeps its link to the OAuth2 sign-in popup (see src/docs/oauth2-redirect.ts).
      expect(docs.headers['cross-origin-opener-policy']).toBe('same-origin-allow-popups');
      expect(preflight.headers['cross-origin-opener-policy']).toBe('same-origin');
    });

    it('still lets an allowed origin preflight a request with Authorization', async () => {
      const response = await request(env.api.server)
        .options('/api/messages')
        .set('Origin', 'https://app.example.com')
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'authorization,content-type')
        .expect(204);
      expect(response.headers['access-control-allow-origin']).toBe('https://app.example.com');
      expect(response.headers['access-control-allow-headers']).toMatch(/authorization/i);
      const actual = await request(env.api.server)
        .get('/api/messages')
        .set('Origin', 'https://app.example.com')
        .set('Authorization', `Bearer ${env.token()}`);
      expect(actual.body).toEqual({ messages: [], nextCursor: null });
      expect(actual.headers['access-control-allow-origin']).toBe('https://app.example.com');
      expect(actual.headers['access-control-expose-headers']).toContain('X-Request-Id');
    });
  });

  describe('request ids', () => {
    it('echoes a safe X-Request-Id and replaces an unsafe one with a UUID', async () => {
      const kept = await request(env.api.server).get('/health/live').set('X-Request-Id', 'abc-123.DEF:4_5');
      expect(kept.headers['x-request-id']).toBe('abc-123.DEF:4_5');
      for (const unsafe of ['a'.repeat(129), 'new\tline', '<script>', 'a b']) {
        const replaced = await request(env.api.server).get('/health/live').set('X-Request-Id', unsafe);
        expect(replaced.headers['x-request-id']).toMatch(
          /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
        );
      }
      const generated = await request(env.api.server).get('/api/messages');
      expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('metrics (prom-client)', () => {
    it('serves /metrics on its own port and not on the API port', async () => {
      const url = env.api.app.get(MetricsServer).url!;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const apiPort = (env.api.server.address() as { port: number } | null)?.port;
      expect(new URL(url).port).not.toBe(String(apiPort));
      await request(env.api.server).get('/metrics').expect(404);
      await request(env.api.server).get('/api/metrics').expect(404);
      expect((await fetch(url.replace('/metrics', '/other'))).status).toBe(404);
    });

    it('counts requests by route and status, authentication outcomes by reason, keys, cache and pool', async () => {
      const server = env.api.server;
      const before = await scrape(env.api.app.get(MetricsServer).url!);
      const token = env.token({ claims: { sub: 'metrics-user' } });
      await request(server).get('/api/messages').set('Authorization', `Bearer ${token}`).expect(200);
      await request(server).get('/api/messages').set('Authorization', `Bearer ${token}`).expect(200);
      await request(server)
        .get('/api/messages/not-a-uuid')
        .set('Authorization', `Bearer ${token}`)
        .expect(404);
      const expired = env.token({ claims: { exp: Math.floor(Date.now() / 1000) - 3600 } });
      await request(server).get('/api/messages').set('Authorization', `Bearer ${expired}`).expect(401);
      const wrongAudience = env.token({ claims: { aud: 'api://other' } });
      await request(server).get('/api/messages').set('Authorization', `Bearer ${wrongAudience}`).expect(401);
      const forged = env.token({ signWith: 'hs256-public-key', header: { alg: 'HS256' } });
      await request(server).get('/api/messages').set('Authorization', `Bearer ${forged}`).expect(401);
      const otherKey = env.token({ key: { ...generateTestKey(env.key.kid) } });
      await request(server).get('/api/messages').set('Authorization', `Bearer ${otherKey}`).expect(401);
      const readOnly = env.token({ claims: { scp: ['messages:read'] } });
      await request(server)
        .post('/api/messages')
        .set('Authorization', `Bearer ${readOnly}`)
        .send({ text: 'x' })
        .expect(403);
      await request(server).get('/api/admin/messages').set('Authorization', `Bearer ${token}`).expect(403);
      await request(server).get('/api/messages').expect(401);
      await request(server).get(`/api/messages?access_token=${token}`).expect(400);

      const text = await scrape(env.api.app.get(MetricsServer).url!);
      /** How much a sample grew during this test (earlier tests share the app). */
      const delta = (name: string, labels: Record<string, string> = {}) =>
        (sample(text, name, labels) ?? 0) - (sample(before, name, labels) ?? 0);
      const route = { method: 'GET', route: '/api/messages' };
      expect(delta('http_request_duration_seconds_count', { ...route, status: '200' })).toBe(2);
      expect(
        delta('http_request_duration_seconds_count', { ...route, status: '401' }),
      ).toBeGreaterThanOrEqual(5);
      expect(delta('http_request_duration_seconds_bucket', { ...route, status: '200', le: '+Inf' })).toBe(2);
      expect(
        delta('http_request_duration_seconds_count', { route: '/api/messages/:id', status: '404' }),
      ).toBe(1);
      const refused = (code: string, reason: string) =>
        delta('auth_outcomes_total', { outcome: 'refused', code, reason });
      expect(refused('invalid_token', 'token_expired')).toBe(1);
      expect(refused('invalid_token', 'wrong_audience')).toBe(1);
      expect(refused('invalid_token', 'unsupported_algorithm')).toBe(1);
      expect(refused('invalid_token', 'bad_signature')).toBe(1);
      expect(refused('insufficient_scope', 'insufficient_scope')).toBe(1);
      expect(refused('insufficient_group', 'insufficient_group')).toBe(1);
      expect(refused('missing_token', 'missing_token')).toBe(1);
      expect(refused('invalid_request', 'token_in_query')).toBe(1);
      expect(delta('auth_outcomes_total', { outcome: 'accepted' })).toBeGreaterThanOrEqual(3);
      expect(sample(text, 'jwks_fetches_total')).toBe(env.jwks.fetchCount);
      expect(sample(text, 'jwks_fetch_failures_total')).toBe(0);
      expect(sample(text, 'jwks_keys')).toBe(1);
      expect(sample(text, 'token_cache_hits_total')).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'token_cache_misses_total')).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'db_pool_connections', { state: 'total' })).toBe(1);
      expect(sample(text, 'process_cpu_seconds_total')).toBeDefined();
      for (const secret of [token, expired, 'metrics-user']) expect(text).not.toContain(secret);
    });

    it('counts failed key fetches', async () => {
      const before = sample(await scrape(env.api.app.get(MetricsServer).url!), 'jwks_fetch_failures_total')!;
      env.jwks.mode = 'error';
      try {
        const unknownKid = env.token({ key: generateTestKey('unknown-kid') });
        await request(env.api.server)
          .get('/api/messages')
          .set('Authorization', `Bearer ${unknownKid}`)
          .expect(503);
      } finally {
        env.jwks.mode = 'up';
      }
      const after = sample(await scrape(env.api.app.get(MetricsServer).url!), 'jwks_fetch_failures_total');
      expect(after).toBe(before + 1);
    });
  });
});

// Passport strategies are process-wide: an app created while another is serving takes over the
// other's token verification. These build their own app, after the shared one is closed.
describe('readiness without signing keys', () => {
  it('answers 503 with Retry-After and the contract error fields when the keys never loaded', async () => {
    const jwks = new JwksServer([generateTestKey()]);
    const issuer = await jwks.start();
    jwks.mode = 'down';
    const api = await createTestApp({ OKTA_ISSUER: issuer });
    try {
      const response = await request(api.server).get('/health/ready').expect(503);
      expect(response.headers['retry-after']).toBe('5');
      expect(response.body).toMatchObject({
        statusCode: 503,
        error: 'Service Unavailable',
        message: 'not ready: keys down',
        checks: { database: 'up', keys: 'down' },
        status: 'error',
        details: { database: { status: 'up' }, keys: { status: 'down' } },
      });
      await request(api.server).get('/health/live').expect(200);
    } finally {
      await api.close();
      await jwks.stop();
    }
  });
});

describe('metrics disabled', () => {
  it('is off when METRICS_PORT=off', async () => {
    const jwks = new JwksServer([generateTestKey()]);
    const issuer = await jwks.start();
    const api = await createTestApp({ OKTA_ISSUER: issuer, METRICS_PORT: 'off' });
    try {
      expect(api.app.get(MetricsServer).url).toBeUndefined();
    } finally {
      await api.close();
      await jwks.stop();
    }
  });
});
