import request from 'supertest';
import type { Response } from 'supertest';
import { SigningKeysService, UNKNOWN_KID_COOLDOWN_MS } from '../src/auth/signing-keys.service.js';
import { challengeDescription, expectErrorBody } from './fixtures/http.js';
import { generateTestKey } from './fixtures/keys.js';
import { startOktaTestEnv, type OktaTestEnv } from './fixtures/okta-test-env.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a 503's `Retry-After` asks a client to wait. */
function retryAfterMs(response: Response): number {
  const seconds = Number(response.headers['retry-after']);
  expect(seconds).toBeGreaterThanOrEqual(1);
  return seconds * 1000;
}

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
    // The keys were fetched moments ago: the API may not ask again yet, so it cannot tell.
    const cooling = await get(oldToken);
    expect(cooling.status).toBe(503);
    await sleep(retryAfterMs(cooling));
    const response = await get(oldToken);
    expect(response.status).toBe(401);
    expect(challengeDescription(response)).toMatch(/unknown signing key/);
  });

  it('answers an unknown kid 401 after a fetch without it, and 503 + Retry-After while it may not ask again', async () => {
    env = await startOktaTestEnv();
    const fetches = env.jwks.fetchCount;
    const first = await get(env.token({ header: { kid: 'never-published-1' } }));
    expect(first.status).toBe(401);
    expect(challengeDescription(first)).toBe('unknown signing key');
    expect(env.jwks.fetchCount).toBe(fetches + 1);

    const unknown = env.token({ header: { kid: 'never-published-2' } });
    const cooling = await get(unknown);
    expectErrorBody(cooling, 503, unknown);
    expect(cooling.headers['www-authenticate']).toBeUndefined();
    const retryAfter = Number(cooling.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(UNKNOWN_KID_COOLDOWN_MS / 1000);
    expect(env.jwks.fetchCount).toBe(fetches + 1);
    // Known keys are answered from memory meanwhile.
    expect((await get(env.token({ claims: { jti: 'while-cooling' } }))).status).toBe(200);

    await sleep(retryAfterMs(cooling));
    expect((await get(unknown)).status).toBe(401);
    expect(env.jwks.fetchCount).toBe(fetches + 2);
  });

  it('accepts a key published during a flood of random kids within 10 s, never calling it invalid, and keeps the key endpoint to one fetch per cooldown', async () => {
    env = await startOktaTestEnv();
    const fetchesBefore = env.jwks.fetchCount;
    let flooding = true;
    let sent = 0;
    const floodStatuses = new Set<number>();
    const floodStart = Date.now();
    const flood = Array.from({ length: 4 }, async () => {
      while (flooding) {
        sent += 1;
        floodStatuses.add((await get(env.token({ header: { kid: `random-${sent}` } }))).status);
      }
    });
    try {
      await sleep(500);
      const next = generateTestKey();
      env.jwks.publish([env.key, next]);
      const published = Date.now();
      const seen: number[] = [];
      let response = await get(env.token({ key: next }));
      while (response.status !== 200 && Date.now() - published < 10_000) {
        seen.push(response.status);
        await sleep(Math.min(retryAfterMs(response), 1000));
        response = await get(env.token({ key: next }));
      }
      expect(response.status).toBe(200);
      expect(Date.now() - published).toBeLessThan(10_000);
      // While it could not ask the issuer, the API said so; it never said the token was invalid.
      expect(seen.every((status) => status === 503)).toBe(true);
      await sleep(Math.max(0, 13_000 - (Date.now() - floodStart)));
    } finally {
      flooding = false;
      await Promise.all(flood);
    }
    const floodMs = Date.now() - floodStart;
    expect(sent).toBeGreaterThan(100);
    expect([...floodStatuses].sort()).toEqual([401, 503]);
    // One fetch per cooldown at most (6 s: at most 10 a minute), however many kids the flood tries.
    const fetches = env.jwks.fetchCount - fetchesBefore;
    expect(fetches).toBeLessThanOrEqual(Math.floor(floodMs / UNKNOWN_KID_COOLDOWN_MS) + 1);
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
    const down = await get(env.token());
    expect(down.status).toBe(503);

    jwks.mode = 'up';
    await sleep(retryAfterMs(down));
    expect((await get(env.token())).status).toBe(200);
    expect((await request(api.server).get('/health/ready')).status).toBe(200);
    expect(api.app.get(SigningKeysService).all()[0].status().loaded).toBe(true);
  });
});
