import { generateKeyPairSync, sign } from 'node:crypto';
import { exportJWK } from 'jose';
import {
  accessTokenHash,
  dpopProof,
  generateDpopKey,
  type DpopKey,
  type ProofOptions,
} from '../../../test/fixtures/dpop-proof.js';
import { RefusalReason } from '../refusal-reason.js';
import { InvalidDpopProofError } from './dpop-errors.js';
import { verifyProof, type ProofContext } from './dpop-proof.js';

const URL = 'https://api.example.com/api/messages';
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';
const NOW = Math.floor(Date.now() / 1000);
const CONTEXT: ProofContext = {
  method: 'GET',
  htu: URL,
  accessToken: TOKEN,
  nowSeconds: NOW,
  toleranceSeconds: 30,
};

describe('verifyProof', () => {
  let es256: DpopKey;
  let rs256: DpopKey;

  beforeAll(async () => {
    [es256, rs256] = await Promise.all([generateDpopKey('ES256'), generateDpopKey('RS256')]);
  });

  const proof = (options: Partial<ProofOptions> = {}) =>
    dpopProof({ key: es256, method: 'GET', url: URL, accessToken: TOKEN, ...options });

  async function refusal(options: Partial<ProofOptions>, context: Partial<ProofContext> = {}) {
    const made = await proof({ claims: { iat: NOW }, ...options });
    try {
      await verifyProof(made, { ...CONTEXT, ...context });
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidDpopProofError);
      return (error as InvalidDpopProofError).reason;
    }
    throw new Error('expected invalid_dpop_proof');
  }

  it.each(['ES256', 'RS256'] as const)(
    'accepts a %s proof and returns its key thumbprint and jti',
    async (alg) => {
      const key = alg === 'ES256' ? es256 : rs256;
      const verified = await verifyProof(await proof({ key, claims: { jti: 'j-1', nonce: 'n' } }), CONTEXT);
      expect(verified).toEqual({ jkt: key.jkt, jti: 'j-1', nonce: 'n' });
    },
  );

  it('accepts typ in any case and with the application/ prefix', async () => {
    for (const typ of ['DPoP+JWT', 'application/dpop+jwt'])
      await expect(verifyProof(await proof({ header: { typ } }), CONTEXT)).resolves.toBeDefined();
  });

  describe('the header', () => {
    it.each([
      ['typ missing', { header: { typ: undefined } }, RefusalReason.DpopWrongType],
      ['typ JWT', { header: { typ: 'JWT' } }, RefusalReason.DpopWrongType],
      ['typ at+jwt', { header: { typ: 'at+jwt' } }, RefusalReason.DpopWrongType],
      ['jwk missing', { header: { jwk: undefined } }, RefusalReason.DpopBadKey],
      ['jwk a string', { header: { jwk: 'key' } }, RefusalReason.DpopBadKey],
      ['HS256', { signWith: 'hs256' }, RefusalReason.DpopUnsupportedAlgorithm],
      ['alg none', { signWith: 'none' }, RefusalReason.DpopUnsupportedAlgorithm],
    ] as const)('refuses %s', async (_case, options, reason) => {
      expect(await refusal(options as Partial<ProofOptions>)).toBe(reason);
    });

    it.each(['ES384', 'PS256'] as const)('refuses a proof signed with %s', async (alg) => {
      expect(await refusal({ key: await generateDpopKey(alg) })).toBe(RefusalReason.DpopUnsupportedAlgorithm);
    });

    it.each(['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'])(
      'refuses a jwk with the private member %s',
      async (member) => {
        const jwk = { ...rs256.publicJwk, [member]: 'AQAB' };
        expect(await refusal({ key: rs256, header: { jwk } })).toBe(RefusalReason.DpopPrivateKey);
      },
    );

    it('refuses a whole private key as jwk', async () => {
      expect(await refusal({ header: { jwk: es256.privateJwk } })).toBe(RefusalReason.DpopPrivateKey);
    });

    it('refuses a jwk whose type does not fit alg, or that is no key', async () => {
      expect(await refusal({ header: { jwk: rs256.publicJwk } })).toBe(RefusalReason.DpopBadKey);
      expect(await refusal({ header: { jwk: { ...es256.publicJwk, x: 'AAAA' } } })).toBe(
        RefusalReason.DpopBadKey,
      );
      expect(await refusal({ header: { jwk: { ...es256.publicJwk, crv: 'P-384' } } })).toBe(
        RefusalReason.DpopBadKey,
      );
    });

    it('refuses an RSA key under 2048 bits (RFC 7518 3.3)', async () => {
      // jose will not sign with such a key: node:crypto makes this one proof.
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
      const header = { typ: 'dpop+jwt', alg: 'RS256', jwk: await exportJWK(publicKey) };
      const payload = { jti: 'j', htm: 'GET', htu: URL, iat: NOW, ath: accessTokenHash(TOKEN) };
      const input = [header, payload]
        .map((part) => Buffer.from(JSON.stringify(part)).toString('base64url'))
        .join('.');
      const made = `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
      await expect(verifyProof(made, CONTEXT)).rejects.toMatchObject({ reason: RefusalReason.DpopBadKey });
    });

    it('refuses a proof signed by another key than its jwk', async () => {
      const other = await generateDpopKey('ES256');
      expect(await refusal({ signWith: other })).toBe(RefusalReason.DpopBadSignature);
    });

    it('checks the signature of every proof, even when its header was seen before', async () => {
      const other = await generateDpopKey('ES256');
      await expect(verifyProof(await proof(), CONTEXT)).resolves.toBeDefined();
      expect(await refusal({ signWith: other })).toBe(RefusalReason.DpopBadSignature);
      await expect(verifyProof(await proof(), CONTEXT)).resolves.toBeDefined();
    });

    it('refuses a crit header it does not understand', async () => {
      const options = { header: { crit: ['exp'], exp: 1 }, signOptions: { crit: { exp: true } } };
      expect(await refusal(options)).toBe(RefusalReason.DpopProofMalformed);
    });

    it.each([
      ['two parts', 'a.b'],
      ['a header that is no JSON', 'bm90IGpzb24.e30.c2ln'],
      ['an over-long proof', `${'a'.repeat(9000)}.e30.c2ln`],
    ])('refuses %s as malformed', async (_case, made) => {
      await expect(verifyProof(made, CONTEXT)).rejects.toMatchObject({
        reason: RefusalReason.DpopProofMalformed,
      });
    });
  });

  describe('the claims', () => {
    it.each([
      ['jti missing', { jti: undefined }, RefusalReason.DpopBadJti],
      ['jti empty', { jti: '' }, RefusalReason.DpopBadJti],
      ['jti an object', { jti: {} }, RefusalReason.DpopBadJti],
      ['jti of 257 characters', { jti: 'j'.repeat(257) }, RefusalReason.DpopBadJti],
      ['htm missing', { htm: undefined }, RefusalReason.DpopWrongMethod],
      ['htm POST for GET', { htm: 'POST' }, RefusalReason.DpopWrongMethod],
      ['htm in lower case', { htm: 'get' }, RefusalReason.DpopWrongMethod],
      ['htu missing', { htu: undefined }, RefusalReason.DpopWrongUrl],
      ['htu of another path', { htu: 'https://api.example.com/api/me' }, RefusalReason.DpopWrongUrl],
      ['htu of another origin', { htu: 'http://api.example.com/api/messages' }, RefusalReason.DpopWrongUrl],
      ['iat missing', { iat: undefined }, RefusalReason.DpopBadIat],
      ['iat a string', { iat: String(NOW) }, RefusalReason.DpopBadIat],
      ['iat 61 s old', { iat: NOW - 61 }, RefusalReason.DpopProofTooOld],
      ['iat 31 s ahead', { iat: NOW + 31 }, RefusalReason.DpopProofInFuture],
      ['ath missing', { ath: undefined }, RefusalReason.DpopWrongAth],
      ['ath of another token', { ath: accessTokenHash(`${TOKEN}x`) }, RefusalReason.DpopWrongAth],
    ])('refuses %s', async (_case, claims, reason) => {
      expect(await refusal({ claims: { iat: NOW, ...claims } })).toBe(reason);
    });

    it('accepts iat 60 s old and up to the clock tolerance ahead', async () => {
      for (const iat of [NOW - 60, NOW + 30])
        await expect(verifyProof(await proof({ claims: { iat } }), CONTEXT)).resolves.toBeDefined();
    });

    it('holds iat in the future to the clock tolerance, zero included', async () => {
      expect(await refusal({ claims: { iat: NOW + 1 } }, { toleranceSeconds: 0 })).toBe(
        RefusalReason.DpopProofInFuture,
      );
    });

    it('refuses every proof when the request URL could not be made', async () => {
      expect(await refusal({}, { htu: undefined })).toBe(RefusalReason.DpopWrongUrl);
    });

    it('accepts an htu with a query, a fragment or the default port', async () => {
      for (const htu of [`${URL}?a=1`, `${URL}#f`, 'https://API.example.com:443/api/messages'])
        await expect(verifyProof(await proof({ claims: { htu } }), CONTEXT)).resolves.toBeDefined();
    });
  });
});
