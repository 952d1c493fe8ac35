import request from 'supertest';
import { expectErrorBody, challengeDescription } from './fixtures/http.js';
import { generateTestKey } from './fixtures/keys.js';
import { startOktaTestEnv, type OktaTestEnv } from './fixtures/okta-test-env.js';
import { AUDIENCE, signAccessToken } from './fixtures/tokens.js';

const now = () => Math.floor(Date.now() / 1000);

describe('token validation (contract: "Token validation")', () => {
  let env: OktaTestEnv;
  const get = (token: string) =>
    request(env.api.server).get('/api/messages').set('Authorization', `Bearer ${token}`);

  /** A refused token: 401, the RFC 6750 invalid_token challenge, a short description. */
  async function expectRefused(token: string, description: RegExp): Promise<void> {
    const response = await get(token);
    expectErrorBody(response, 401, token);
    expect(response.headers['www-authenticate']).toMatch(
      /^Bearer realm="api", error="invalid_token", error_description="[^"]+"$/,
    );
    expect(challengeDescription(response)).toMatch(description);
  }

  /**
   * A token whose key is not the issuer's: 401 "unknown signing key" after a key fetch, or 503 when
   * an earlier test's unknown key made the API fetch the keys moments ago. Never accepted.
   */
  async function expectUnknownKey(token: string): Promise<void> {
    const response = await get(token);
    if (response.status === 503) {
      expectErrorBody(response, 503, token);
      expect(response.body.message).toMatch(/signing key not known/);
      return;
    }
    expectErrorBody(response, 401, token);
    expect(challengeDescription(response)).toBe('unknown signing key');
  }

  beforeAll(async () => {
    env = await startOktaTestEnv({ OKTA_CLOCK_TOLERANCE: '30' });
  });
  afterAll(() => env.close());

  it('accepts a valid Okta access token', async () => {
    expect((await get(env.token())).status).toBe(200);
  });

  describe('signature and algorithm', () => {
    it('refuses a token signed by a key the issuer did not publish, under a published kid', async () => {
      const impostor = { ...generateTestKey(env.key.kid), kid: env.key.kid };
      await expectRefused(env.token({ key: impostor }), /signature/);
    });

    it('refuses a token whose payload was altered after signing', async () => {
      const [header, , signature] = env.token().split('.');
      const claims = { iss: env.jwks.issuer, aud: AUDIENCE, sub: 'mallory', exp: now() + 60 };
      const forged = Buffer.from(JSON.stringify(claims)).toString('base64url');
      await expectRefused(`${header}.${forged}.${signature}`, /^bad signature$/);
    });

    it('refuses alg none as not signed', async () => {
      const unsigned = env.token({ header: { alg: 'none' }, signWith: 'none' });
      await expectRefused(unsigned, /^token is not signed$/);
    });

    it('refuses alg none as not signed even with a signature segment', async () => {
      await expectRefused(env.token({ header: { alg: 'none' } }), /^token is not signed$/);
    });

    it('refuses a token signed with HS256 using the public key as the secret', async () => {
      await expectRefused(env.token({ header: { alg: 'HS256' }, signWith: 'hs256-public-key' }), /algorithm/);
    });

    it.each(['RS384', 'RS512', 'PS256', 'ES256'])('refuses alg %s', async (alg) => {
      await expectRefused(env.token({ header: { alg } }), /algorithm/);
    });

    it('refuses a token without a kid', async () => {
      await expectRefused(env.token({ header: { kid: undefined } }), /key id/);
    });

    it('never uses a key embedded in the jwk header', async () => {
      const attacker = generateTestKey('attacker');
      const token = env.token({ key: attacker, header: { jwk: attacker.jwk } });
      await expectUnknownKey(token);
    });

    it.each(['jku', 'x5u'])('never fetches keys from a %s header', async (name) => {
      const attacker = generateTestKey('attacker-remote');
      const { JwksServer } = await import('./fixtures/jwks-server.js');
      const rogue = new JwksServer([attacker]);
      const rogueIssuer = await rogue.start();
      try {
        const token = env.token({ key: attacker, header: { [name]: `${rogueIssuer}/v1/keys` } });
        await expectUnknownKey(token);
        expect(rogue.fetchCount).toBe(0);
      } finally {
        await rogue.stop();
      }
    });

    it('never trusts an x5c certificate chain in the header', async () => {
      const attacker = generateTestKey('attacker-x5c');
      const der = attacker.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
      await expectUnknownKey(env.token({ key: attacker, header: { x5c: [der] } }));
    });

    it('refuses a token with a crit header it does not understand', async () => {
      await expectRefused(env.token({ header: { crit: ['exp'], exp: now() } }), /critical/);
    });
  });

  describe('issuer, audience and client', () => {
    it('refuses a token from another issuer', async () => {
      await expectRefused(
        env.token({ claims: { iss: 'https://evil.example.com/oauth2/default' } }),
        /issuer/,
      );
    });

    it('compares the issuer exactly (a trailing slash is another issuer)', async () => {
      await expectRefused(env.token({ claims: { iss: `${env.jwks.issuer}/` } }), /issuer/);
    });

    it('refuses a token for another audience', async () => {
      await expectRefused(env.token({ claims: { aud: 'api://other' } }), /audience/);
    });

    it('refuses an Okta ID token sent by mistake (its aud is the client id)', async () => {
      const idToken = env.token({
        claims: { aud: '0oa-test-spa', scp: undefined, nonce: 'n', amr: ['pwd'] },
      });
      await expectRefused(idToken, /audience/);
    });

    it('accepts an aud array that contains the configured audience', async () => {
      expect((await get(env.token({ claims: { aud: ['api://other', AUDIENCE] } }))).status).toBe(200);
    });

    it('refuses a token with no aud', async () => {
      await expectRefused(env.token({ claims: { aud: undefined } }), /audience/);
    });
  });

  describe('time claims (within OKTA_CLOCK_TOLERANCE=30)', () => {
    it('refuses a token without exp', async () => {
      await expectRefused(env.token({ claims: { exp: undefined } }), /expiry/);
    });

    it('refuses a non-numeric exp', async () => {
      await expectRefused(env.token({ claims: { exp: String(now() + 600) } }), /^malformed time claim$/);
    });

    // Dates end at 8.64e15 ms: a claim beyond 8.64e12 s cannot be a time (and once made GET /api/me a 500).
    it.each([
      ['exp', 9e12],
      ['exp', 1e20],
      ['exp', 8.64e12 + 1],
      ['exp', -1e20],
      ['nbf', 9e12],
      ['nbf', 1e20],
      ['nbf', -1e20],
      ['iat', 1e20],
      ['iat', -9e12],
    ])('refuses %s = %d, beyond the range of a date, as a malformed time claim', async (claim, value) => {
      const token = env.token({ claims: { [claim]: value } });
      await expectRefused(token, /^malformed time claim$/);
      const me = await request(env.api.server).get('/api/me').set('Authorization', `Bearer ${token}`);
      expectErrorBody(me, 401, token);
      expect(challengeDescription(me)).toBe('malformed time claim');
    });

    it.each([
      ['a numeric string', (t: number) => String(t)],
      ['null', () => null],
      ['true', () => true],
      ['an array', (t: number) => [t]],
      ['an object', (t: number) => ({ seconds: t })],
      ['"NaN"', () => 'NaN'],
    ])('refuses exp, nbf or iat that is %s as a malformed time claim', async (_case, value) => {
      for (const claim of ['exp', 'nbf', 'iat']) {
        await expectRefused(env.token({ claims: { [claim]: value(now()) } }), /^malformed time claim$/);
      }
    });

    it.each(['exp', 'nbf', 'iat'])('refuses %s written 1e400 (Infinity once parsed)', async (claim) => {
      const claims = { iss: env.jwks.issuer, aud: AUDIENCE, sub: 'alice', exp: now() + 600 };
      const json = JSON.stringify({ ...claims, [claim]: 0 }).replace(`"${claim}":0`, `"${claim}":1e400`);
      await expectRefused(env.token({ payloadText: json }), /^malformed time claim$/);
    });

    it('accepts exp at the end of the range of a date, and GET /api/me renders it', async () => {
      const token = env.token({ claims: { exp: 8.64e12, nbf: -8.64e12, iat: -8.64e12 } });
      const me = await request(env.api.server).get('/api/me').set('Authorization', `Bearer ${token}`);
      expect(me.status).toBe(200);
      expect((me.body as { expiresAt: string }).expiresAt).toBe('+275760-09-13T00:00:00.000Z');
    });

    it('refuses a token expired beyond the tolerance', async () => {
      await expectRefused(env.token({ claims: { exp: now() - 31, iat: now() - 3600 } }), /expired/);
    });

    it('accepts a token expired within the tolerance', async () => {
      expect((await get(env.token({ claims: { exp: now() - 10, iat: now() - 3600 } }))).status).toBe(200);
    });

    it('refuses a token not valid before a time beyond the tolerance', async () => {
      await expectRefused(env.token({ claims: { nbf: now() + 60 } }), /not yet valid/);
    });

    it('accepts nbf within the tolerance', async () => {
      expect((await get(env.token({ claims: { nbf: now() + 10 } }))).status).toBe(200);
    });

    it('refuses a token issued in the future beyond the tolerance', async () => {
      await expectRefused(env.token({ claims: { iat: now() + 60 } }), /future/);
    });

    it('accepts iat within the tolerance', async () => {
      expect((await get(env.token({ claims: { iat: now() + 10 } }))).status).toBe(200);
    });
  });

  describe('subject and token type', () => {
    it.each([
      ['missing', undefined],
      ['a number', 42],
      ['empty', ''],
    ])('refuses a token whose sub is %s', async (_case, sub) => {
      await expectRefused(env.token({ claims: { sub } }), /subject/);
    });

    it.each(['dpop+jwt', 'id_token+jwt', 'logout+jwt', 'application/logout+jwt'])(
      'refuses a token whose typ is %s',
      async (typ) => {
        await expectRefused(env.token({ header: { typ } }), /type/);
      },
    );

    it.each(['JWT', 'at+jwt', 'application/at+jwt'])('accepts typ %s', async (typ) => {
      expect((await get(env.token({ header: { typ } }))).status).toBe(200);
    });

    it('accepts a token without typ', async () => {
      expect((await get(env.token({ header: { typ: undefined } }))).status).toBe(200);
    });
  });

  describe('malformed tokens', () => {
    it.each([
      ['two segments', 'abc.def'],
      ['garbage segments', 'a.b.c'],
      ['a header that is not JSON', `${Buffer.from('nope').toString('base64url')}.e30.c2ln`],
    ])('refuses %s with invalid_token', async (_case, token) => {
      await expectRefused(token, /malformed/);
    });

    it.each([
      ['not JSON', 'not json'],
      ['a JSON array', '[1]'],
      ['JSON null', 'null'],
      ['a JSON string', '"x"'],
      ['a JSON number', '1'],
      ['empty JSON text', ' '],
    ])('refuses a correctly signed token whose payload is %s', async (_case, payloadText) => {
      await expectRefused(env.token({ payloadText }), /^malformed token payload$/);
    });
  });

  describe('scopes from scp and scope', () => {
    it('reads scp as a space-delimited string', async () => {
      expect((await get(env.token({ claims: { scp: 'openid messages:read' } }))).status).toBe(200);
    });

    it('reads the RFC 9068 scope claim', async () => {
      expect(
        (await get(env.token({ claims: { scp: undefined, scope: 'openid messages:read' } }))).status,
      ).toBe(200);
    });

    it('matches scopes exactly', async () => {
      const response = await get(env.token({ claims: { scp: ['messages:read:all', 'Messages:Read'] } }));
      expect(response.status).toBe(403);
    });
  });
});

describe('OKTA_CLIENT_IDS and OKTA_AUDIENCE lists', () => {
  let env: OktaTestEnv;
  const get = (token: string) =>
    request(env.api.server).get('/api/me').set('Authorization', `Bearer ${token}`);

  beforeAll(async () => {
    env = await startOktaTestEnv({
      OKTA_CLIENT_IDS: '0oa-spa, 0oa-cli',
      OKTA_AUDIENCE: 'api://messages, api://default',
    });
  });
  afterAll(() => env.close());

  it('accepts every configured client id', async () => {
    expect((await get(env.token({ claims: { cid: '0oa-spa' } }))).status).toBe(200);
    expect((await get(env.token({ claims: { cid: '0oa-cli' } }))).status).toBe(200);
  });

  it('refuses a token from another client, or with no cid', async () => {
    for (const cid of ['0oa-other', undefined]) {
      const response = await get(env.token({ claims: { cid } }));
      expect(response.status).toBe(401);
      expect(challengeDescription(response)).toMatch(/client/);
    }
  });

  it('accepts every configured audience', async () => {
    expect((await get(env.token({ claims: { cid: '0oa-spa', aud: 'api://messages' } }))).status).toBe(200);
    expect((await get(env.token({ claims: { cid: '0oa-spa', aud: 'api://default' } }))).status).toBe(200);
  });
});

describe('verified-token cache', () => {
  let env: OktaTestEnv;

  beforeAll(async () => {
    env = await startOktaTestEnv({ OKTA_CLOCK_TOLERANCE: '0' });
  });
  afterAll(() => env.close());

  it('stops accepting a cached token once it expires', async () => {
    const token = signAccessToken({ issuer: env.jwks.issuer, key: env.key, claims: { exp: now() + 2 } });
    const call = () => request(env.api.server).get('/api/me').set('Authorization', `Bearer ${token}`);
    expect((await call()).status).toBe(200);
    expect((await call()).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const response = await call();
    expect(response.status).toBe(401);
    expect(challengeDescription(response)).toMatch(/expired/);
  });
});
