import { createHash, randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, SignJWT, type CryptoKey, type JWK } from 'jose';

/** A DPoP key: the private half signs, the public half goes in every proof's header. */
export interface DpopKey {
  alg: 'ES256' | 'RS256';
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export interface ProofTarget {
  /** The HTTP method, e.g. `POST`. */
  htm: string;
  /** The URL the request goes to; its query and fragment are left out of the proof. */
  htu: string;
  /** Bind the proof to this access token (`ath`), for a call to a resource server. */
  accessToken?: string;
  /** The server's latest `DPoP-Nonce`. */
  nonce?: string;
}

/** A fresh DPoP proof (RFC 9449 section 4.2): new `jti`, `iat` now. */
export async function createDpopProof(key: DpopKey, target: ProofTarget): Promise<string> {
  const url = new URL(target.htu);
  const claims: Record<string, string> = {
    jti: randomUUID(),
    htm: target.htm.toUpperCase(),
    htu: `${url.origin}${url.pathname}`,
  };
  if (target.accessToken !== undefined) claims.ath = accessTokenHash(target.accessToken);
  if (target.nonce !== undefined) claims.nonce = target.nonce;
  return new SignJWT(claims)
    .setProtectedHeader({ typ: 'dpop+jwt', alg: key.alg, jwk: key.publicJwk })
    .setIssuedAt()
    .sign(key.privateKey);
}

/** `ath`: base64url SHA-256 of the access token (RFC 9449 section 4.2). */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken).digest('base64url');
}

/** The RFC 7638 thumbprint a token bound to this key carries as `cnf.jkt`. */
export function dpopThumbprint(key: DpopKey): Promise<string> {
  return calculateJwkThumbprint(key.publicJwk, 'sha256');
}

/** Only the members RFC 7638 and a verifier need: never a private one. */
export async function publicJwkOf(publicKey: CryptoKey): Promise<JWK> {
  const { kty, crv, x, y, n, e } = await exportJWK(publicKey);
  return Object.fromEntries(
    Object.entries({ kty, crv, x, y, n, e }).filter(([, value]) => value !== undefined),
  );
}
