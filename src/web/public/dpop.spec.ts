import * as jose from 'jose';
import { createHash } from 'node:crypto';
import { dpopProof, generateDpopKeyPair } from './dpop.js';

describe("the page's DPoP proofs", () => {
  it('signs with a key pair whose private half cannot be exported', async () => {
    const keyPair = await generateDpopKeyPair();
    expect(keyPair.privateKey.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('jwk', keyPair.privateKey)).rejects.toThrow();
  });

  it('makes a fresh proof per request: typ, ES256, public jwk, jti, htm, htu without query, iat, ath, nonce', async () => {
    const keyPair = await generateDpopKeyPair();
    const request = {
      method: 'post',
      url: 'http://127.0.0.1:8000/api/messages?limit=5#x',
      accessToken: 'tok',
    };
    const proof = await dpopProof(jose, keyPair, { ...request, nonce: 'n-1' });
    const { payload, protectedHeader } = await jose.jwtVerify(proof, jose.EmbeddedJWK, {
      typ: 'dpop+jwt',
      algorithms: ['ES256'],
    });
    expect(protectedHeader.jwk).toEqual({
      kty: 'EC',
      crv: 'P-256',
      x: expect.any(String) as unknown,
      y: expect.any(String) as unknown,
    });
    expect(payload).toEqual({
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
      htm: 'POST',
      htu: 'http://127.0.0.1:8000/api/messages',
      iat: expect.any(Number) as unknown,
      ath: createHash('sha256').update('tok').digest('base64url'),
      nonce: 'n-1',
    });
    const again = jose.decodeJwt(await dpopProof(jose, keyPair, { method: 'GET', url: request.url }));
    expect(again.jti).not.toBe(payload.jti);
    expect(again).not.toHaveProperty('ath');
    expect(again).not.toHaveProperty('nonce');
  });
});
