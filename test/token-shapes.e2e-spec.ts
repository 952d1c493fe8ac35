import request from 'supertest';
import { SigningKeysService } from '../src/auth/signing-keys.service.js';
import { challengeDescription, expectErrorBody } from './fixtures/http.js';
import { generateTestKey } from './fixtures/keys.js';
import { startOktaTestEnv, type OktaTestEnv } from './fixtures/okta-test-env.js';

/** The contract's "Accepted keys and token shapes", against a real local key endpoint. */
describe('accepted keys and token shapes', () => {
  let env: OktaTestEnv;
  const get = (token: string) =>
    request(env.api.server).get('/api/me').set('Authorization', `Bearer ${token}`);

  async function expectRefused(token: string, description: RegExp): Promise<void> {
    const response = await get(token);
    expectErrorBody(response, 401, token);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="api", error="invalid_token"/);
    expect(challengeDescription(response)).toMatch(description);
  }

  beforeAll(async () => {
    env = await startOktaTestEnv();
  });
  afterAll(() => env.close());

  it.each([512, 1024])(
    'never uses a %i-bit RSA key the issuer publishes, nor asks for it again',
    async (bits) => {
      const weak = generateTestKey(`weak-${bits}`, bits);
      env.jwks.publish([env.key, weak]);
      await env.api.app.get(SigningKeysService).refresh();
      const fetches = env.jwks.fetchCount;
      await expectRefused(env.token({ key: weak }), /2048 bits/);
      await expectRefused(env.token({ key: weak, claims: { jti: 'again' } }), /2048 bits/);
      expect(env.jwks.fetchCount).toBe(fetches);
      expect((await get(env.token())).status).toBe(200);
    },
  );

  it.each([
    ['a single space', ' '],
    ['a NUL inside', 'a\u0000b'],
    ['a newline inside', 'a\nb'],
  ])('refuses sub with %s', async (_name, sub) => {
    await expectRefused(env.token({ claims: { sub } }), /subject/);
  });

  it.each([
    ['DPoP', { jkt: '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I' }],
    ['mTLS', { 'x5t#S256': 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2' }],
  ])('refuses a %s-bound token (cnf) presented as a bearer token', async (_name, cnf) => {
    await expectRefused(env.token({ claims: { cnf } }), /^sender-constrained token$/);
  });
});
