import request from 'supertest';
import { MetricsServer } from '../src/metrics/metrics.server.js';
import { challengeDescription, expectErrorBody } from './fixtures/http.js';
import { IntrospectionEndpoint, type IntrospectionMode } from './fixtures/introspection-endpoint.js';
import { sample, scrape } from './fixtures/metrics.js';
import { startOktaTestEnv, type OktaTestEnv } from './fixtures/okta-test-env.js';
import { startSitesTestEnv } from './fixtures/sites-test-env.js';

const CLIENT = {
  OKTA_INTROSPECTION_CLIENT_ID: '0oa-introspector',
  OKTA_INTROSPECTION_CLIENT_SECRET: 's3cret:+/',
};

async function withIntrospection(env: Record<string, string> = {}) {
  const okta = await startOktaTestEnv({ ...CLIENT, ...env });
  return { okta, issuer: new IntrospectionEndpoint(okta.jwks) };
}

function post(okta: OktaTestEnv, token: string, text = 'hello') {
  return request(okta.api.server)
    .post('/api/messages')
    .set('Authorization', `Bearer ${token}`)
    .send({ text });
}
function list(okta: OktaTestEnv, token: string) {
  return request(okta.api.server).get('/api/messages').set('Authorization', `Bearer ${token}`);
}

describe('token introspection (default: INTROSPECT=writes)', () => {
  let okta: OktaTestEnv;
  let issuer: IntrospectionEndpoint;

  beforeAll(async () => ({ okta, issuer } = await withIntrospection()));
  afterAll(() => okta.close());
  beforeEach(() => {
    issuer.mode = 'up';
    issuer.delayMs = 0;
  });

  it('asks {issuer}/v1/introspect with client_secret_basic and token_type_hint=access_token before a write', async () => {
    const token = okta.token();
    await post(okta, token).expect(201);
    expect(issuer.callsFor(token)).toBe(1);
    const call = issuer.calls.find((entry) => entry.form.get('token') === token)!;
    expect(call.form.get('token_type_hint')).toBe('access_token');
    expect(call.contentType).toBe('application/x-www-form-urlencoded');
    // RFC 6749 2.3.1: the secret is form-encoded before it is joined with the id.
    const basic = Buffer.from('0oa-introspector:s3cret%3A%2B%2F').toString('base64');
    expect(call.authorization).toBe(`Basic ${basic}`);
  });

  it('refuses a token the issuer says is inactive with 401 invalid_token, token revoked', async () => {
    const token = okta.token({ claims: { sub: 'revoked-at-okta@example.com' } });
    issuer.inactive.add(token);
    const refused = await post(okta, token);
    expectErrorBody(refused, 401, token);
    expect(refused.headers['www-authenticate']).toContain('error="invalid_token"');
    expect(challengeDescription(refused)).toBe('token revoked');
    const deleted = await request(okta.api.server)
      .delete('/api/messages/00000000-0000-4000-8000-000000000000')
      .set('Authorization', `Bearer ${token}`);
    expectErrorBody(deleted, 401);
    const text = await scrape(okta.api.app.get(MetricsServer).url!);
    expect(sample(text, 'revoked_token_refusals_total', { source: 'introspection' })).toBeGreaterThanOrEqual(
      2,
    );
    expect(sample(text, 'introspection_requests_total', { outcome: 'inactive' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'introspection_duration_seconds_count')).toBeGreaterThanOrEqual(1);
  });

  it('does not introspect reads', async () => {
    const token = okta.token();
    issuer.inactive.add(token);
    await list(okta, token).expect(200);
    await request(okta.api.server).get('/api/me').set('Authorization', `Bearer ${token}`).expect(200);
    expect(issuer.callsFor(token)).toBe(0);
  });

  it('reuses an answer for the same token, active or not, instead of asking again', async () => {
    const active = okta.token();
    const inactive = okta.token();
    issuer.inactive.add(inactive);
    for (let i = 0; i < 3; i += 1) {
      await post(okta, active).expect(201);
      await post(okta, inactive).expect(401);
    }
    expect(issuer.callsFor(active)).toBe(1);
    expect(issuer.callsFor(inactive)).toBe(1);
    const text = await scrape(okta.api.app.get(MetricsServer).url!);
    expect(sample(text, 'introspection_cache_hits_total')).toBeGreaterThanOrEqual(4);
  });

  it('makes one call for concurrent requests with one token', async () => {
    const token = okta.token();
    issuer.delayMs = 300;
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => post(okta, token, `at once ${i}`)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(8).fill(201));
    expect(issuer.callsFor(token)).toBe(1);
  });

  it.each<[IntrospectionMode, string]>([
    ['down', 'unreachable'],
    ['error', 'http_error'],
    ['unauthorized', 'http_error'],
    ['garbage', 'bad_answer'],
    ['no-active', 'bad_answer'],
  ])('answers 503 with Retry-After, never a pass, when the issuer is %s', async (mode, outcome) => {
    issuer.mode = mode;
    const token = okta.token({ claims: { sub: `issuer-${mode}@example.com` } });
    const response = await post(okta, token);
    expectErrorBody(response, 503, token);
    expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(response.headers['www-authenticate']).toBeUndefined();
    // Nothing was written, and a failure is not remembered: the next request asks again.
    issuer.mode = 'up';
    const page = await list(okta, token).expect(200);
    expect((page.body as { messages: unknown[] }).messages).toEqual([]);
    await post(okta, token).expect(201);
    expect(issuer.callsFor(token)).toBe(2);
    const text = await scrape(okta.api.app.get(MetricsServer).url!);
    expect(sample(text, 'introspection_requests_total', { outcome })).toBeGreaterThanOrEqual(1);
  });

  it('gives up on an issuer that does not answer within its timeout (503)', async () => {
    issuer.mode = 'silent';
    const started = Date.now();
    const response = await post(okta, okta.token());
    expectErrorBody(response, 503);
    // The timeout is 2 s; generous bounds either side.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('token introspection, other settings', () => {
  it('INTROSPECT=off never asks, even for writes', async () => {
    const { okta, issuer } = await withIntrospection({ INTROSPECT: 'off' });
    try {
      const token = okta.token();
      issuer.inactive.add(token);
      await post(okta, token).expect(201);
      expect(issuer.calls).toHaveLength(0);
    } finally {
      await okta.close();
    }
  });

  it('INTROSPECT=all asks for reads too', async () => {
    const { okta, issuer } = await withIntrospection({ INTROSPECT: 'all' });
    try {
      const token = okta.token();
      issuer.inactive.add(token);
      expectErrorBody(await list(okta, token), 401);
      await request(okta.api.server).get('/api/me').set('Authorization', `Bearer ${token}`).expect(401);
      await list(okta, okta.token()).expect(200);
      expect(issuer.callsFor(token)).toBe(1);
    } finally {
      await okta.close();
    }
  });

  it('without a client, nothing is introspected', async () => {
    const okta = await startOktaTestEnv();
    const issuer = new IntrospectionEndpoint(okta.jwks);
    try {
      await post(okta, okta.token()).expect(201);
      expect(issuer.calls).toHaveLength(0);
    } finally {
      await okta.close();
    }
  });

  it('INTROSPECTION_CACHE_SECONDS=0 asks on every write', async () => {
    const { okta, issuer } = await withIntrospection({ INTROSPECTION_CACHE_SECONDS: '0' });
    try {
      const token = okta.token();
      for (let i = 0; i < 3; i += 1) await post(okta, token).expect(201);
      expect(issuer.callsFor(token)).toBe(3);
    } finally {
      await okta.close();
    }
  });

  it("asks each site's own issuer (SITES_FILE)", async () => {
    const sites = await startSitesTestEnv(CLIENT);
    const a = new IntrospectionEndpoint(sites.issuers['site-a'].jwks);
    const b = new IntrospectionEndpoint(sites.issuers['site-b'].jwks);
    try {
      for (const [site, endpoint, other] of [
        ['site-a', a, b],
        ['site-b', b, a],
      ] as const) {
        const token = sites.token(site);
        await request(sites.api.server)
          .post('/api/messages')
          .set('Authorization', `Bearer ${token}`)
          .send({ text: site })
          .expect(201);
        expect(endpoint.callsFor(token)).toBe(1);
        expect(other.callsFor(token)).toBe(0);
      }
    } finally {
      await sites.close();
    }
  });
});
