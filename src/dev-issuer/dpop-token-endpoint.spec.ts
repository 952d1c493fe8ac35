import {
  calculateJwkThumbprint,
  createRemoteJWKSet,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  SignJWT,
} from 'jose';
import { startDevIssuer, type DevIssuer } from './dev-issuer.js';
import { DevDpopNonces, DEV_NONCE_TTL_SECONDS } from './dpop-nonces.js';
import { createDpopProof, dpopThumbprint, publicJwkOf, type DpopKey } from './dpop-proof.js';

interface TokenAnswer {
  status: number;
  nonce: string | null;
  body: Record<string, unknown>;
}

async function newKey(alg: 'ES256' | 'RS256' = 'ES256'): Promise<DpopKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  return { alg, privateKey, publicJwk: await publicJwkOf(publicKey) };
}

describe('development issuer: DPoP at the token endpoint (RFC 9449 section 5)', () => {
  let dev: DevIssuer;

  beforeAll(async () => {
    dev = await startDevIssuer({ host: '127.0.0.1', port: 0, audience: 'api://default' });
  });
  afterAll(() => dev.stop());

  async function tokenRequest(proofs: string[] = []): Promise<TokenAnswer> {
    const headers = new Headers({ accept: 'application/json' });
    for (const proof of proofs) headers.append('dpop', proof);
    const response = await fetch(dev.tokenEndpoint, {
      method: 'POST',
      headers,
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'messages:read', sub: 'ann' }),
    });
    return {
      status: response.status,
      nonce: response.headers.get('dpop-nonce'),
      body: (await response.json()) as Record<string, unknown>,
    };
  }

  /** The nonce a first request is answered with (nonces are not bound to a key). */
  async function freshNonce(): Promise<string> {
    const first = await tokenRequest([
      await createDpopProof(await newKey(), { htm: 'POST', htu: dev.tokenEndpoint }),
    ]);
    expect(first.nonce).toEqual(expect.any(String));
    return first.nonce!;
  }

  /** A proof signed by `key`, with `claims` and `header` laid over a valid one. */
  async function proofWith(
    key: DpopKey,
    { claims = {}, header = {} }: { claims?: object; header?: object } = {},
  ): Promise<string> {
    const nonce = await freshNonce();
    const iat = Math.floor(Date.now() / 1000);
    return new SignJWT({
      jti: crypto.randomUUID(),
      htm: 'POST',
      htu: dev.tokenEndpoint,
      iat,
      nonce,
      ...claims,
    })
      .setProtectedHeader({ typ: 'dpop+jwt', alg: key.alg, jwk: key.publicJwk, ...header })
      .sign(key.privateKey);
  }

  const refusal = (description: RegExp) => ({
    status: 400,
    nonce: null,
    body: { error: 'invalid_dpop_proof', error_description: expect.stringMatching(description) as unknown },
  });

  it.each(['ES256', 'RS256'] as const)(
    'answers the first %s proof with use_dpop_nonce, then binds the token to the key (cnf.jkt)',
    async (alg) => {
      const key = await newKey(alg);
      const first = await tokenRequest([await createDpopProof(key, { htm: 'POST', htu: dev.tokenEndpoint })]);
      expect(first).toEqual({
        status: 400,
        nonce: expect.stringMatching(/^[0-9a-z]+\.[\w-]{43}$/) as unknown,
        body: {
          error: 'use_dpop_nonce',
          error_description: 'Authorization server requires nonce in DPoP proof.',
        },
      });

      const nonce = first.nonce!;
      const second = await tokenRequest([
        await createDpopProof(key, { htm: 'POST', htu: dev.tokenEndpoint, nonce }),
      ]);
      expect(second.status).toBe(200);
      expect(second.body.token_type).toBe('DPoP');
      const { payload } = await jwtVerify(
        second.body.access_token as string,
        createRemoteJWKSet(new URL(`${dev.issuer}/v1/keys`)),
        { issuer: dev.issuer, audience: 'api://default' },
      );
      expect(payload.cnf).toEqual({ jkt: await calculateJwkThumbprint(key.publicJwk, 'sha256') });
      expect(payload.cnf).toEqual({ jkt: await dpopThumbprint(key) });
      expect(payload).toMatchObject({ sub: 'ann', scp: ['messages:read'] });

      // The nonce stays good for further requests while it is fresh, as Okta's does.
      const third = await tokenRequest([
        await createDpopProof(key, { htm: 'POST', htu: dev.tokenEndpoint, nonce }),
      ]);
      expect(third.status).toBe(200);
    },
  );

  it('issues a plain Bearer token without cnf to a request without a DPoP header', async () => {
    const answer = await tokenRequest();
    expect(answer.status).toBe(200);
    expect(answer.body.token_type).toBe('Bearer');
    const [, payload] = (answer.body.access_token as string).split('.');
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).not.toHaveProperty('cnf');
  });

  it('refuses a proof signed by another key than the one in its header', async () => {
    const key = await newKey();
    const other = await newKey();
    const proof = await proofWith(key, { header: { jwk: other.publicJwk } });
    expect(await tokenRequest([proof])).toEqual(refusal(/signature/));
  });

  it('refuses a proof whose jwk holds the private key', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const key: DpopKey = { alg: 'ES256', privateKey, publicJwk: await exportJWK(privateKey) };
    expect(key.publicJwk.d).toEqual(expect.any(String));
    expect(await tokenRequest([await proofWith(key)])).toEqual(refusal(/public jwk/));
  });

  type Overrides = { claims?: object; header?: object };
  const now = () => Math.floor(Date.now() / 1000);
  it.each<[string, () => Overrides, RegExp]>([
    ['typ', () => ({ header: { typ: 'JWT' } }), /typ must be dpop\+jwt/],
    ['htm', () => ({ claims: { htm: 'GET' } }), /htm must be POST/],
    ['htu of another path', () => ({ claims: { htu: `${dev.issuer}/v1/keys` } }), /htu must be/],
    [
      'htu of another host',
      () => ({ claims: { htu: dev.tokenEndpoint.replace('127.0.0.1', 'localhost') } }),
      /htu must be/,
    ],
    ['iat two minutes old', () => ({ claims: { iat: now() - 120 } }), /iat is too old/],
    ['iat in the future', () => ({ claims: { iat: now() + 120 } }), /iat must not be in the future/],
    ['jti missing', () => ({ claims: { jti: undefined } }), /jti/],
  ])('refuses a proof with a wrong %s', async (_name, overrides, description) => {
    const proof = await proofWith(await newKey(), overrides());
    expect(await tokenRequest([proof])).toEqual(refusal(description));
  });

  it('compares htu without its query and fragment, once normalised', async () => {
    const htu = `${dev.tokenEndpoint.replace('http://', 'HTTP://')}?x=1#y`;
    expect((await tokenRequest([await proofWith(await newKey(), { claims: { htu } })])).status).toBe(200);
  });

  it('refuses two DPoP headers, and a proof used twice', async () => {
    const key = await newKey();
    const proof = await proofWith(key);
    expect(await tokenRequest([proof, proof])).toEqual(refusal(/exactly one DPoP header/));
    expect((await tokenRequest([proof])).status).toBe(200);
    expect(await tokenRequest([proof])).toEqual(refusal(/used before/));
  });

  it('asks again for a nonce it did not issue', async () => {
    const key = await newKey();
    const forged = await proofWith(key, { claims: { nonce: `${'0'.repeat(7)}.${'A'.repeat(43)}` } });
    const answer = await tokenRequest([forged]);
    expect(answer).toMatchObject({ status: 400, body: { error: 'use_dpop_nonce' } });
    expect(answer.nonce).toEqual(expect.any(String));
  });
});

describe('DevDpopNonces', () => {
  it('accepts its own nonces while fresh, and no others', () => {
    let now = 1_800_000_000_000;
    const nonces = new DevDpopNonces(() => now);
    const nonce = nonces.issue();
    expect(nonces.accepts(nonce)).toBe(true);
    expect(new DevDpopNonces(() => now).accepts(nonce)).toBe(false);
    expect(nonces.accepts(`${nonce}x`)).toBe(false);
    expect(nonces.accepts(undefined)).toBe(false);
    now += DEV_NONCE_TTL_SECONDS * 1000;
    expect(nonces.accepts(nonce)).toBe(true);
    now += 1000;
    expect(nonces.accepts(nonce)).toBe(false);
  });
});
