import request from 'supertest';
import { SigningKeysService } from '../src/auth/signing-keys.service.js';
import { challengeDescription, expectErrorBody } from './fixtures/http.js';
import { generateTestKey } from './fixtures/keys.js';
import { startOktaTestEnv, type OktaTestEnv } from './fixtures/okta-test-env.js';

/** The contract's "Keys (JWKS)" section against a real local key endpoint. */
describe('signing keys', () => {
  let env: OktaTestEnv;
  const get = (token: string) =>
    request(env.api.server).get('/api/me').set('Authorization', `Bearer ${token}`);

  afterEach(() => env.close());

  it('fetches the keys once at startup and not again for known keys', async () => {
    env = await startOktaTestEnv();
    for (let i = 0; i < 20; i += 1)
      expect((await get(env.token({ claims: { jti: `t${i}` } }))).status).toBe(200);
    expect(env.jwks.fetchCount).toBe(1);
  });

  it('accepts a key the issuer publishes later on first sight (rotation)', async () => {
    env = await startOktaTestEnv();
    const next = generateTestKey();
    env.jwks.publish([env.key, next]);
    expect((await get(env.token({ key: next }))).status).toBe(200);
    expect(env.jwks.fetchCount).toBe(2);
    expect((await get(env.token())).status).toBe(200);
  });

  it('stops accepting a key once the issuer no longer publishes it, cached tokens included', async () => {
    env = await startOktaTestEnv();
    const oldToken = env.token();
    expect((await get(oldToken)).status).toBe(200);
    const next = generateTestKey();
    env.jwks.publish([next]);
    expect((await get(env.token({ key: next }))).status).toBe(200);
    const response = await get(oldToken);
    expect(response.status).toBe(401);
    expect(challengeDescription(response)).toMatch(/unknown signing key/);
  });

  it('lets a flood of random kids reach the key endpoint at most 10 times a minute, and keeps known keys usable', async () => {
    env = await startOktaTestEnv();
    const before = env.jwks.fetchCount;
    const flood = Array.from({ length: 200 }, (_, i) => env.token({ header: { kid: `random-${i}` } }));
    const responses = await Promise.all(flood.map((token) => get(token)));
    for (const response of responses) expect(response.status).toBe(401);
    expect(env.jwks.fetchCount - before).toBeLessThanOrEqual(10);
    expect(env.jwks.fetchCount).toBeLessThanOrEqual(10);
    // The rate limit is spent; the real key still works, from memory.
    for (let i = 0; i < 50; i += 1) await get(env.token({ header: { kid: `more-${i}` } }));
    expect(env.jwks.fetchCount).toBeLessThanOrEqual(10);
    expect((await get(env.token({ claims: { jti: 'after-flood' } }))).status).toBe(200);
  });

  it.each(['down', 'error'] as const)(
    'keeps known keys usable while the key endpoint is %s, and answers an unknown kid with 503, never 500',
    async (mode) => {
      env = await startOktaTestEnv();
      env.jwks.mode = mode;
      expect((await get(env.token())).status).toBe(200);
      const unknown = env.token({ key: generateTestKey() });
      const response = await get(unknown);
      expectErrorBody(response, 503, unknown);
      expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
      expect(response.headers['www-authenticate']).toBeUndefined();
      expect((await get(env.token({ claims: { jti: 'still-fine' } }))).status).toBe(200);
    },
  );

  it('starts while the issuer is down, reports not ready, and recovers when it returns', async () => {
    const key = generateTestKey();
    const { JwksServer } = await import('./fixtures/jwks-server.js');
    const jwks = new JwksServer([key]);
    jwks.mode = 'down';
    const issuer = await jwks.start();
    const { createTestApp } = await import('./fixtures/test-app.js');
    const api = await createTestApp({ OKTA_ISSUER: issuer });
    const { signAccessToken } = await import('./fixtures/tokens.js');
    env = {
      jwks,
      key,
      api,
      token: () => signAccessToken({ issuer, key }),
      close: async () => (await api.close(), await jwks.stop()),
    };

    const notReady = await request(api.server).get('/health/ready');
    expect(notReady.status).toBe(503);
    expect(await get(env.token()).then((r) => r.status)).toBe(503);

    jwks.mode = 'up';
    expect((await get(env.token())).status).toBe(200);
    expect((await request(api.server).get('/health/ready')).status).toBe(200);
    expect(api.app.get(SigningKeysService).status().loaded).toBe(true);
  });
});
