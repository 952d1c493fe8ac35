/**
 * The page's own DPoP (RFC 9449) for the development sign-in. Okta mode uses Okta Auth JS's.
 * Pure but for WebCrypto: unit-tested in Node with jose's npm package.
 */
/** The part of jose the proofs need. */
export interface Jose {
  SignJWT: typeof import('jose').SignJWT;
  exportJWK: typeof import('jose').exportJWK;
  base64url: typeof import('jose').base64url;
}

/**
 * jose's Web Crypto build, served by this API from its npm package (`/vendor/jose/`), no CDN: the
 * files behind its `jose/jwt/sign`, `jose/key/export` and `jose/base64url` exports, not its whole index.
 */
const JOSE = '/vendor/jose';
let jose: Promise<Jose> | undefined;

export function loadJose(): Promise<Jose> {
  jose ??= Promise.all([
    import(`${JOSE}/jwt/sign.js`) as Promise<typeof import('jose/jwt/sign')>,
    import(`${JOSE}/key/export.js`) as Promise<typeof import('jose/key/export')>,
    import(`${JOSE}/util/base64url.js`) as Promise<typeof import('jose/base64url')>,
  ]).then(([{ SignJWT }, { exportJWK }, base64url]) => ({ SignJWT, exportJWK, base64url }));
  return jose;
}

/** DPoP needs WebCrypto, which browsers offer only in secure contexts (https, localhost), and IndexedDB. */
export function dpopSupported(): boolean {
  return (
    globalThis.isSecureContext !== false &&
    typeof crypto?.subtle?.generateKey === 'function' &&
    typeof indexedDB !== 'undefined'
  );
}

/**
 * An EC P-256 key pair whose private half cannot be exported (extractable: false): the page signs
 * with it, but no script, the page's own included, can read it out and use it elsewhere.
 */
export function generateDpopKeyPair(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
}

export interface ProofRequest {
  method: string;
  /** The request's URL; its query and fragment stay out of the proof. */
  url: string;
  /** The access token the request carries (`ath`). */
  accessToken?: string;
  /** The server's latest `DPoP-Nonce`. */
  nonce?: string;
}

/** A fresh proof for one request: new `jti`, `iat` now (RFC 9449 section 4.2). */
export async function dpopProof(jose: Jose, keyPair: CryptoKeyPair, request: ProofRequest): Promise<string> {
  const { kty, crv, x, y } = await jose.exportJWK(keyPair.publicKey);
  const url = new URL(request.url);
  const claims: Record<string, string> = {
    jti: crypto.randomUUID(),
    htm: request.method.toUpperCase(),
    htu: `${url.origin}${url.pathname}`,
  };
  if (request.accessToken !== undefined) {
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(request.accessToken));
    claims.ath = jose.base64url.encode(new Uint8Array(digest));
  }
  if (request.nonce !== undefined) claims.nonce = request.nonce;
  return new jose.SignJWT(claims)
    .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty, crv, x, y } })
    .setIssuedAt()
    .sign(keyPair.privateKey);
}
