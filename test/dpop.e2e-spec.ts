import { DPOP_HOST, dpopCall, type DpopCall } from './fixtures/dpop-calls.js';
import { dpopProof, generateDpopKey, type DpopKey, type ProofOptions } from './fixtures/dpop-proof.js';
import { expectErrorBody } from './fixtures/http.js';
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
});
