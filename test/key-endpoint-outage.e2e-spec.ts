import request from 'supertest';
import { startOktaTestEnv, type OktaTestEnv } from './fixtures/okta-test-env.js';

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe.each(['slow', 'down'] as const)('key endpoint %s', (mode) => {
  let env: OktaTestEnv;

  beforeAll(async () => {
    env = await startOktaTestEnv({ OKTA_JWKS_REFRESH_SECONDS: '1' });
  });

  afterAll(() => env.close());

  it('keeps accepting tokens signed with a known key, and readiness reports the keys stale', async () => {
    env.jwks.slowMs = 10_000;
    env.jwks.mode = mode;
    const keysState = async () =>
      (await request(env.api.server).get('/health/ready')).body.checks?.keys as string;
    await waitFor(async () => (await keysState()) === 'stale', 12_000);

    const ready = await request(env.api.server).get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.message).toContain('keys stale');

    // Fresh tokens (new jti), so the verified-token cache cannot answer for them: the key map must.
    for (let i = 0; i < 5; i += 1) {
      const started = Date.now();
      const response = await request(env.api.server)
        .post('/api/messages')
        .set('Authorization', `Bearer ${env.token()}`)
        .send({ text: `while the key endpoint is ${mode} ${i}` });
      expect(response.status).toBe(201);
      expect(Date.now() - started).toBeLessThan(1000);
    }
    const page = await request(env.api.server)
      .get('/api/messages')
      .set('Authorization', `Bearer ${env.token()}`);
    expect(page.status).toBe(200);
    expect(page.body.messages).toHaveLength(5);
  });
});
