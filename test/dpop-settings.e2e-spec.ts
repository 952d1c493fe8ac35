import { DpopNonces } from '../src/auth/dpop/dpop-nonces.js';
import { DPOP_HOST, dpopCall, type DpopCall } from './fixtures/dpop-calls.js';
import { dpopProof, generateDpopKey, type DpopKey, type ProofOptions } from './fixtures/dpop-proof.js';
import { expectErrorBody } from './fixtures/http.js';
import { startOktaTestEnv, type OktaTestEnv } from './fixtures/okta-test-env.js';

const NONCE_SECRET = 'a-nonce-secret-of-at-least-32-characters';
const OTHER_SECRET = 'another-secret-of-at-least-32-characters';

/** The app with these settings, a DPoP key, and a call that sends a bound token with a proof. */
function withApp(settings: Record<string, string>) {
  const ctx = {} as { env: OktaTestEnv; key: DpopKey };
  beforeAll(async () => {
    ctx.env = await startOktaTestEnv(settings);
    ctx.key = await generateDpopKey();
  });
  afterAll(() => ctx.env.close());
  const call = (options: DpopCall) => dpopCall(ctx.env.api.server, options);
  const boundToken = (claims: Record<string, unknown> = {}) =>
    ctx.env.token({ claims: { cnf: { jkt: ctx.key.jkt }, ...claims } });
  /** GET `path` under DPoP with a proof for `url` (and these options). */
  const withProof = async (
    url: string,
    options: Partial<ProofOptions> & { path?: string; headers?: Record<string, string> } = {},
    token = boundToken(),
  ) => {
    const { path, headers, ...proofOptions } = options;
    const proof = await dpopProof({ key: ctx.key, method: 'GET', url, accessToken: token, ...proofOptions });
    return call({ path, headers, authorization: `DPoP ${token}`, proofs: [proof] });
  };
  return { ctx, call, boundToken, withProof };
}

describe('DPoP settings', () => {
  describe('PUBLIC_URL is the origin of htu, whatever the request says', () => {
    // With TRUST_PROXY, Fastify believes X-Forwarded-Host and -Proto: htu must not.
    const { withProof } = withApp({ PUBLIC_URL: 'https://API.example.com:443/', TRUST_PROXY: '127.0.0.1' });

    it('accepts a proof for the public URL, default port or not', async () => {
      expect((await withProof('https://api.example.com/api/messages')).status).toBe(200);
      expect((await withProof('https://api.example.com:443/api/messages')).status).toBe(200);
    });

    it('refuses a proof for the Host the request was sent to', async () => {
      const response = await withProof(`http://${DPOP_HOST}/api/messages`);
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toMatch(/error="invalid_dpop_proof".*htu/);
    });

    it('refuses a proof for the X-Forwarded-Host and -Proto a trusted proxy sends', async () => {
      const headers = { 'X-Forwarded-Host': 'evil.example', 'X-Forwarded-Proto': 'https' };
      const response = await withProof('https://evil.example/api/messages', { headers });
      expect(response.headers['www-authenticate']).toMatch(/htu/);
      expect((await withProof('https://api.example.com/api/messages', { headers })).status).toBe(200);
    });
  });

  describe('without PUBLIC_URL, htu is http:// and the Host header', () => {
    const { withProof } = withApp({ TRUST_PROXY: '127.0.0.1' });

    it('ignores X-Forwarded-Host and -Proto even from a trusted proxy', async () => {
      const headers = { 'X-Forwarded-Host': 'public.example', 'X-Forwarded-Proto': 'https' };
      const forwarded = await withProof('https://public.example/api/messages', { headers });
      expect(forwarded.status).toBe(401);
      expect(forwarded.headers['www-authenticate']).toMatch(/htu/);
      expect((await withProof(`http://${DPOP_HOST}/api/messages`, { headers })).status).toBe(200);
    });
  });

  describe('DPOP_REQUIRED=true', () => {
    const { ctx, call, withProof } = withApp({ DPOP_REQUIRED: 'true' });

    it('refuses the Bearer scheme with 401 and a DPoP challenge only', async () => {
      const token = ctx.env.token();
      const response = await call({ authorization: `Bearer ${token}` });
      expectErrorBody(response, 401, token);
      expect(response.headers['www-authenticate']).toBe('DPoP algs="RS256 ES256"');
      expect((response.body as { message: string }).message).toMatch(/DPoP/);
    });

    it('offers only the DPoP scheme to a request without credentials', async () => {
      const response = await call({});
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toBe('DPoP algs="RS256 ES256"');
    });

    it('accepts a bound token with its proof', async () => {
      expect((await withProof(`http://${DPOP_HOST}/api/messages`)).status).toBe(200);
    });
  });

  describe('step-up under DPoP', () => {
    const { boundToken, withProof } = withApp({ ADMIN_ACR_VALUES: 'urn:okta:loa:2fa:any' });

    it('challenges an admin action with insufficient_user_authentication in a DPoP challenge', async () => {
      const token = boundToken({ groups: ['Admins'] });
      const response = await withProof(
        `http://${DPOP_HOST}/api/admin/messages`,
        { path: '/api/admin/messages' },
        token,
      );
      expectErrorBody(response, 401, token);
      expect(response.headers['www-authenticate']).toMatch(
        /^DPoP algs="RS256 ES256", error="insufficient_user_authentication", error_description="[^"]+", acr_values="urn:okta:loa:2fa:any"$/,
      );
    });
  });

  describe('DPOP_NONCE=true', () => {
    const { call, boundToken, withProof } = withApp({
      DPOP_NONCE: 'true',
      DPOP_NONCE_SECRET: NONCE_SECRET,
    });
    const URL = `http://${DPOP_HOST}/api/messages`;
    const now = () => Date.now() / 1000;
    const noncesWith = (secret: string) =>
      new DpopNonces({
        dpop: { publicUrl: undefined, required: false, nonce: { secret, generated: false } },
      });
    /** This step's nonce, or the previous step's should the step have changed since it was made. */
    const expectCurrent = (nonce: unknown) => {
      const nonces = noncesWith(NONCE_SECRET);
      expect([nonces.current(), nonces.current(now() - 60)]).toContain(nonce);
    };

    it('asks for a nonce with use_dpop_nonce and a fresh DPoP-Nonce, then accepts the retry', async () => {
      const token = boundToken();
      const first = await withProof(URL, {}, token);
      expectErrorBody(first, 401, token);
      expect(first.headers['www-authenticate']).toMatch(
        /^DPoP algs="RS256 ES256", error="use_dpop_nonce", error_description="[^"]+"$/,
      );
      const nonce = first.headers['dpop-nonce'];
      expect(nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expectCurrent(nonce);
      const retry = await withProof(URL, { claims: { nonce } }, token);
      expect(retry.status).toBe(200);
      expectCurrent(retry.headers['dpop-nonce']);
    });

    it('sends DPoP-Nonce on refusals too', async () => {
      expectCurrent((await call({})).headers['dpop-nonce']);
    });

    it.each([
      ['stale (two steps old)', () => noncesWith(NONCE_SECRET).current(now() - 120)],
      ['foreign (another secret)', () => noncesWith(OTHER_SECRET).current()],
      ['not a string', () => 12345],
    ])('refuses a nonce that is %s with use_dpop_nonce and a fresh one', async (_case, nonce) => {
      const response = await withProof(URL, { claims: { nonce: nonce() } });
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toContain('error="use_dpop_nonce"');
      expectCurrent(response.headers['dpop-nonce']);
    });

    it('accepts the nonce another instance with the same secret made', async () => {
      const twin = await startOktaTestEnv({ DPOP_NONCE: 'true', DPOP_NONCE_SECRET: NONCE_SECRET });
      try {
        const nonce = (await dpopCall(twin.api.server, {})).headers['dpop-nonce'];
        expect((await withProof(URL, { claims: { nonce } })).status).toBe(200);
      } finally {
        await twin.close();
      }
    });
  });
});
