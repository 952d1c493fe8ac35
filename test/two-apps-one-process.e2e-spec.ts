import request from 'supertest';
import { startOktaTestEnv, type OktaTestEnv } from './fixtures/okta-test-env.js';

/**
 * passport keeps strategies in a process-wide registry by name; each app must still verify tokens
 * with its own issuer and keys when two run in one process.
 */
describe('two apps in one process', () => {
  let first: OktaTestEnv;
  let second: OktaTestEnv;

  beforeAll(async () => {
    first = await startOktaTestEnv();
    second = await startOktaTestEnv();
  });
  afterAll(async () => {
    await first.close();
    await second.close();
  });

  const me = (env: OktaTestEnv, token: string) =>
    request(env.api.server).get('/api/me').set('Authorization', `Bearer ${token}`);

  it('verifies each token with its own app’s issuer and keys, even interleaved', async () => {
    const results = await Promise.all([
      me(first, first.token({ claims: { jti: 'a1' } })),
      me(second, second.token({ claims: { jti: 'b1' } })),
      me(first, first.token({ claims: { jti: 'a2' } })),
      me(second, second.token({ claims: { jti: 'b2' } })),
    ]);
    expect(results.map((response) => response.status)).toEqual([200, 200, 200, 200]);
  });

  it('refuses in one app a token issued for the other', async () => {
    expect((await me(first, second.token({ claims: { jti: 'b3' } }))).status).toBe(401);
    expect((await me(second, first.token({ claims: { jti: 'a3' } }))).status).toBe(401);
  });
});
