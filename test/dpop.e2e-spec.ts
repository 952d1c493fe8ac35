import request from 'supertest';
import { MetricsServer } from '../src/metrics/metrics.server.js';
import { VerifiedTokenCache } from '../src/auth/verified-token.cache.js';
import { DPOP_HOST, dpopCall, type DpopCall } from './fixtures/dpop-calls.js';
import { dpopProof, generateDpopKey, type DpopKey, type ProofOptions } from './fixtures/dpop-proof.js';
import { expectErrorBody } from './fixtures/http.js';
import { sample, scrape } from './fixtures/metrics.js';
import { startOktaTestEnv, type OktaTestEnv } from './fixtures/okta-test-env.js';

const URL = `http://${DPOP_HOST}/api/messages`;
const PROOF_ERROR = /^DPoP algs="RS256 ES256", error="invalid_dpop_proof", error_description="[^"]+"$/;

/** The contract's "DPoP (RFC 9449)": tokens bound to a key, used with a proof of that key. */
describe('DPoP (RFC 9449)', () => {
  let env: OktaTestEnv;
  let key: DpopKey;
  let other: DpopKey;

  beforeAll(async () => {
    env = await startOktaTestEnv();
    [key, other] = await Promise.all([generateDpopKey('ES256'), generateDpopKey('ES256')]);
  });
  afterAll(() => env.close());

  /** A token bound to `bound` (default: `key`). */
  const boundToken = (claims: Record<string, unknown> = {}, bound = key) =>
    env.token({ claims: { cnf: { jkt: bound.jkt }, ...claims } });
  const proofFor = (token: string, options: Partial<ProofOptions> = {}) =>
    dpopProof({ key, method: 'GET', url: URL, accessToken: token, ...options });
  const call = (options: DpopCall) => dpopCall(env.api.server, options);

  /** A GET /api/messages with this token under DPoP and the proof these options make. */
  async function withProof(options: Partial<ProofOptions> = {}, token = boundToken()) {
    return call({ authorization: `DPoP ${token}`, proofs: [await proofFor(token, options)] });
  }

  async function expectProofRefused(
    options: Partial<ProofOptions>,
    description: RegExp,
    token = boundToken(),
  ): Promise<void> {
    const response = await withProof(options, token);
    expectErrorBody(response, 401, token);
    expect(response.headers['www-authenticate']).toMatch(PROOF_ERROR);
    expect(response.headers['www-authenticate']).toMatch(description);
  }

  describe('accepts a bound token with a proof of its key', () => {
    it.each(['ES256', 'RS256'] as const)('signed with %s', async (alg) => {
      const own = await generateDpopKey(alg);
      const token = boundToken({}, own);
      const response = await call({
        authorization: `DPoP ${token}`,
        proofs: [await proofFor(token, { key: own })],
      });
      expect(response.status).toBe(200);
    });

    it.each(['dpop', 'DPOP', 'DpOp'])('under the scheme written %s', async (scheme) => {
      const token = boundToken();
      const response = await call({ authorization: `${scheme} ${token}`, proofs: [await proofFor(token)] });
      expect(response.status).toBe(200);
    });
  });

  describe('refuses a proof whose header breaks a rule (invalid_dpop_proof)', () => {
    it.each([
      ['typ missing', { header: { typ: undefined } }, /typ/],
      ['typ of a plain JWT', { header: { typ: 'JWT' } }, /typ/],
      ['jwk missing', { header: { jwk: undefined } }, /jwk/],
    ])('%s', async (_case, options, description) => {
      await expectProofRefused(options, description);
    });

    it.each(['ES384', 'PS256'] as const)('refuses a proof signed with %s', async (alg) => {
      await expectProofRefused({ key: await generateDpopKey(alg) }, /alg must be RS256 or ES256/);
    });

    it('refuses an HS256 proof and an unsigned (none) one', async () => {
      await expectProofRefused({ signWith: 'hs256' }, /alg must be RS256 or ES256/);
      await expectProofRefused({ signWith: 'none' }, /alg must be RS256 or ES256/);
    });

    it('refuses a jwk that holds the private key', async () => {
      await expectProofRefused({ header: { jwk: key.privateJwk } }, /public key/);
    });

    it('refuses a proof signed by another key than the one in its jwk', async () => {
      await expectProofRefused({ signWith: other }, /signature/);
    });
  });

  describe('refuses a proof whose claims break a rule (invalid_dpop_proof)', () => {
    const now = () => Math.floor(Date.now() / 1000);
    it.each([
      ['jti missing', { jti: undefined }, /jti/],
      ['jti empty', { jti: '' }, /jti/],
      ['jti a number', { jti: 42 }, /jti/],
      ['jti over 256 characters', { jti: 'x'.repeat(257) }, /jti/],
      ['htm missing', { htm: undefined }, /htm/],
      ['htm of another method', { htm: 'POST' }, /htm/],
      ['htm in lower case', { htm: 'get' }, /htm/],
      ['htu missing', { htu: undefined }, /htu/],
      ['htu of another path', { htu: `http://${DPOP_HOST}/api/me` }, /htu/],
      ['htu of another host', { htu: 'http://evil.example/api/messages' }, /htu/],
      ['htu with https for http', { htu: `https://${DPOP_HOST}/api/messages` }, /htu/],
      ['htu with another port', { htu: `http://${DPOP_HOST}:8080/api/messages` }, /htu/],
      ['htu with a trailing slash', { htu: `${URL}/` }, /htu/],
      ['htu relative', { htu: '/api/messages' }, /htu/],
      ['iat missing', { iat: undefined }, /iat/],
      ['iat a string', { iat: String(now()) }, /iat/],
      ['iat 61 s old', { iat: now() - 61 }, /too old/],
      ['iat beyond the clock tolerance (30 s) in the future', { iat: now() + 35 }, /future/],
      ['ath missing', { ath: undefined }, /ath/],
      ['ath of another token', { ath: 'q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c' }, /ath/],
    ])('%s', async (_case, claims, description) => {
      await expectProofRefused({ claims }, description);
    });

    it.each([
      ['a query string', `${URL}?limit=5`],
      ['a fragment', `${URL}#top`],
      ['the default port :80', `http://${DPOP_HOST}:80/api/messages`],
      ['an upper-case scheme and host', `HTTP://API.EXAMPLE.TEST/api/messages`],
    ])('accepts an htu with %s', async (_case, htu) => {
      expect((await withProof({ claims: { htu } })).status).toBe(200);
    });

    it('compares htu without the query of the request', async () => {
      const token = boundToken();
      const response = await call({
        path: '/api/messages?limit=5',
        authorization: `DPoP ${token}`,
        proofs: [await proofFor(token)],
      });
      expect(response.status).toBe(200);
    });

    it('accepts iat within 60 s in the past and within the clock tolerance in the future', async () => {
      expect((await withProof({ claims: { iat: now() - 55 } })).status).toBe(200);
      expect((await withProof({ claims: { iat: now() + 25 } })).status).toBe(200);
    });
  });

  describe('exactly one DPoP header', () => {
    it('refuses a request under DPoP without a DPoP header', async () => {
      const token = boundToken();
      const response = await call({ authorization: `DPoP ${token}` });
      expectErrorBody(response, 401, token);
      expect(response.headers['www-authenticate']).toMatch(PROOF_ERROR);
      expect(response.headers['www-authenticate']).toContain('a DPoP proof header is required');
    });

    it('refuses an empty DPoP header', async () => {
      const token = boundToken();
      const response = await call({ authorization: `DPoP ${token}`, headers: { DPoP: '' } });
      expect(response.headers['www-authenticate']).toMatch(PROOF_ERROR);
    });

    it('refuses two DPoP headers, even two valid proofs', async () => {
      const token = boundToken();
      const proofs = [await proofFor(token), await proofFor(token)];
      const response = await call({ authorization: `DPoP ${token}`, proofs });
      expectErrorBody(response, 401, token);
      expect(response.headers['www-authenticate']).toMatch(PROOF_ERROR);
      expect(response.headers['www-authenticate']).toContain('send one DPoP header');
    });
  });

  describe('a proof is used once, and only with the token bound to its key', () => {
    it('refuses a replayed proof (the same jti and key), and accepts that jti from another key', async () => {
      const token = boundToken();
      const proof = await proofFor(token, { claims: { jti: 'one-jti' } });
      const first = await call({ authorization: `DPoP ${token}`, proofs: [proof] });
      expect(first.status).toBe(200);
      const replayed = await call({ authorization: `DPoP ${token}`, proofs: [proof] });
      expectErrorBody(replayed, 401, token);
      expect(replayed.headers['www-authenticate']).toMatch(PROOF_ERROR);
      expect(replayed.headers['www-authenticate']).toContain('already used');
      const otherToken = boundToken({}, other);
      const otherProof = await proofFor(otherToken, { key: other, claims: { jti: 'one-jti' } });
      expect((await call({ authorization: `DPoP ${otherToken}`, proofs: [otherProof] })).status).toBe(200);
    });

    it('refuses a proof signed by another key than the token is bound to (cnf.jkt)', async () => {
      const token = boundToken();
      const response = await withProof({ key: other }, token);
      expectErrorBody(response, 401, token);
      expect(response.headers['www-authenticate']).toMatch(PROOF_ERROR);
      expect(response.headers['www-authenticate']).toContain('not the key the token is bound to');
    });

    it('checks the proof on every request when the token comes from the verified-token cache', async () => {
      const cache = env.api.app.get(VerifiedTokenCache);
      const token = boundToken();
      const proof = await proofFor(token);
      expect((await call({ authorization: `DPoP ${token}`, proofs: [proof] })).status).toBe(200);
      const hits = cache.hits;
      const replayed = await call({ authorization: `DPoP ${token}`, proofs: [proof] });
      expect(replayed.headers['www-authenticate']).toContain('already used');
      expect(cache.hits).toBe(hits + 1);
      const foreign = await withProof({ key: other }, token);
      expect(foreign.headers['www-authenticate']).toContain('not the key the token is bound to');
      expect((await call({ authorization: `DPoP ${token}` })).status).toBe(401);
      expect((await withProof({ claims: { htm: 'POST' } }, token)).headers['www-authenticate']).toMatch(
        /htm/,
      );
      expect((await withProof({}, token)).status).toBe(200);
      expect(cache.hits).toBe(hits + 3);
    });
  });

  describe('the token and its scheme', () => {
    const bearer = (token: string) => call({ authorization: `Bearer ${token}` });
    const SENDER_CONSTRAINED =
      'Bearer realm="api", error="invalid_token", error_description="sender-constrained token"';
    const NOT_BOUND =
      'DPoP algs="RS256 ES256", error="invalid_token", error_description="token is not bound to a DPoP key"';

    it('refuses a DPoP-bound token presented as a bearer token, even once cached', async () => {
      const token = boundToken();
      expect((await bearer(token)).headers['www-authenticate']).toBe(SENDER_CONSTRAINED);
      expect((await withProof({}, token)).status).toBe(200);
      const cached = await bearer(token);
      expectErrorBody(cached, 401, token);
      expect(cached.headers['www-authenticate']).toBe(SENDER_CONSTRAINED);
    });

    it('refuses a token without cnf.jkt under DPoP, even once cached as a bearer token', async () => {
      const token = env.token();
      expect((await withProof({}, token)).headers['www-authenticate']).toBe(NOT_BOUND);
      expect((await bearer(token)).status).toBe(200);
      const cached = await withProof({}, token);
      expectErrorBody(cached, 401, token);
      expect(cached.headers['www-authenticate']).toBe(NOT_BOUND);
    });

    it('refuses an mTLS-bound token under DPoP', async () => {
      const token = env.token({
        claims: { cnf: { 'x5t#S256': 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2' } },
      });
      expect((await withProof({}, token)).headers['www-authenticate']).toBe(NOT_BOUND);
    });

    it('answers a bad token under DPoP with an invalid_token DPoP challenge', async () => {
      const token = boundToken({ exp: Math.floor(Date.now() / 1000) - 3600 });
      const response = await withProof({}, token);
      expectErrorBody(response, 401, token);
      expect(response.headers['www-authenticate']).toBe(
        'DPoP algs="RS256 ES256", error="invalid_token", error_description="token expired"',
      );
    });

    it('answers a missing scope under DPoP with 403 and a DPoP challenge naming the scope', async () => {
      const token = boundToken({ scp: ['messages:write'] });
      const response = await withProof({}, token);
      expectErrorBody(response, 403, token);
      expect(response.headers['www-authenticate']).toBe(
        'DPoP algs="RS256 ES256", error="insufficient_scope", scope="messages:read"',
      );
    });

    it('answers a malformed DPoP header or a token in the query with 400 in a DPoP challenge', async () => {
      const token = boundToken();
      const quoted = await call({ authorization: `DPoP "${token}"`, proofs: [await proofFor(token)] });
      expectErrorBody(quoted, 400, token);
      expect(quoted.headers['www-authenticate']).toMatch(
        /^DPoP algs="RS256 ES256", error="invalid_request", error_description="malformed Authorization header; expected DPoP followed by one token"$/,
      );
      const inQuery = await call({
        path: `/api/messages?access_token=${token}`,
        authorization: `DPoP ${token}`,
        proofs: [await proofFor(token)],
      });
      expectErrorBody(inQuery, 400, token);
      expect(inQuery.headers['www-authenticate']).toMatch(
        /^DPoP algs="RS256 ES256", error="invalid_request"/,
      );
    });

    it('offers both schemes to a request without credentials', async () => {
      const response = await call({});
      expectErrorBody(response, 401);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="api", DPoP algs="RS256 ES256"');
    });
  });

  describe('every route, every method', () => {
    it('writes, reads and deletes a message with proofs for each method and URL', async () => {
      const token = boundToken({ sub: 'dpop-writer@example.com' });
      const created = await call({
        method: 'post',
        authorization: `DPoP ${token}`,
        proofs: [await proofFor(token, { method: 'POST' })],
        body: { text: 'bound' },
      });
      expect(created.status).toBe(201);
      const path = `/api/messages/${(created.body as { id: string }).id}`;
      const getProof = await proofFor(token, { url: `http://${DPOP_HOST}${path}` });
      expect((await call({ path, authorization: `DPoP ${token}`, proofs: [getProof] })).status).toBe(200);
      const wrongMethod = await proofFor(token, { url: `http://${DPOP_HOST}${path}` });
      const refused = await call({
        method: 'delete',
        path,
        authorization: `DPoP ${token}`,
        proofs: [wrongMethod],
      });
      expect(refused.headers['www-authenticate']).toMatch(/htm/);
      const deleteProof = await proofFor(token, { method: 'DELETE', url: `http://${DPOP_HOST}${path}` });
      const deleted = await call({
        method: 'delete',
        path,
        authorization: `DPoP ${token}`,
        proofs: [deleteProof],
      });
      expect(deleted.status).toBe(204);
    });

    it('answers /api/me in the same shape as for a bearer token', async () => {
      const token = boundToken();
      const me = await call({
        path: '/api/me',
        authorization: `DPoP ${token}`,
        proofs: [await proofFor(token, { url: `http://${DPOP_HOST}/api/me` })],
      });
      expect(me.status).toBe(200);
      const plain = await call({ path: '/api/me', authorization: `Bearer ${env.token()}` });
      expect(Object.keys(me.body as object).sort()).toEqual(Object.keys(plain.body as object).sort());
    });
  });

  it('counts accepted DPoP requests and each refusal reason', async () => {
    const url = env.api.app.get(MetricsServer).url!;
    const before = await scrape(url);
    const token = boundToken();
    const proof = await proofFor(token);
    await call({ authorization: `DPoP ${token}`, proofs: [proof] });
    await call({ authorization: `DPoP ${token}`, proofs: [proof] });
    const after = await scrape(url);
    const replayed = { outcome: 'refused', code: 'invalid_dpop_proof', reason: 'dpop_replayed' };
    expect(sample(after, 'auth_outcomes_total', replayed)).toBe(
      (sample(before, 'auth_outcomes_total', replayed) ?? 0) + 1,
    );
    expect(sample(after, 'dpop_accepted_total')).toBe((sample(before, 'dpop_accepted_total') ?? 0) + 1);
  });

  it('lets browsers send DPoP and read DPoP-Nonce (CORS)', async () => {
    const origin = 'http://localhost:8080';
    const preflight = await request(env.api.server)
      .options('/api/messages')
      .set('Origin', origin)
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'authorization, dpop');
    expect(preflight.headers['access-control-allow-headers']).toContain('DPoP');
    const answer = await call({ headers: { Origin: origin } });
    expect(answer.headers['access-control-expose-headers']).toContain('DPoP-Nonce');
  });
});
