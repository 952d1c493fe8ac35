import { explainApiError } from './api-errors.js';
import { dpopProof, loadJose } from './dpop.js';

/** What the development sign-in asks `POST /api/dev/token` for. */
export interface DevSignIn {
  sub: string;
  scopes: string[];
  groups: string[];
  secondFactor: boolean;
  /** With several sites, the one picked. */
  site?: string;
}

/** A DPoP sign-in: the key the token is bound to, and the issuer's token endpoint the proof names. */
export interface DevDpop {
  keyPair: CryptoKeyPair;
  tokenEndpoint: string;
}

export interface DevToken {
  token: string;
  tokenType: 'Bearer' | 'DPoP';
}

/**
 * A token from the development issuer, through the API. With `dpop` the request carries a proof
 * for the issuer's token endpoint; like Okta, the issuer answers the first one with a nonce
 * (`400` and `DPoP-Nonce`), and the request is sent once more with a proof that carries it.
 */
export async function requestDevToken(signIn: DevSignIn, dpop?: DevDpop): Promise<DevToken> {
  let nonce: string | undefined;
  for (let attempt = 1; ; attempt += 1) {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json',
    };
    if (dpop !== undefined) {
      const request = { method: 'POST', url: dpop.tokenEndpoint, nonce };
      headers.dpop = await dpopProof(await loadJose(), dpop.keyPair, request);
    }
    let response: Response;
    try {
      response = await fetch('/api/dev/token', { method: 'POST', headers, body: JSON.stringify(signIn) });
    } catch {
      throw new Error(explainApiError({ status: 0 }));
    }
    const freshNonce = response.headers.get('dpop-nonce');
    if (dpop !== undefined && response.status === 400 && freshNonce !== null && attempt === 1) {
      nonce = freshNonce;
      continue;
    }
    const body = (await response.json().catch(() => ({}))) as {
      access_token?: unknown;
      token_type?: unknown;
      message?: unknown;
    };
    if (response.ok && typeof body.access_token === 'string') {
      return { token: body.access_token, tokenType: body.token_type === 'DPoP' ? 'DPoP' : 'Bearer' };
    }
    throw new Error(
      explainApiError({
        status: response.status,
        message: typeof body.message === 'string' ? body.message : undefined,
        retryAfter: response.headers.get('retry-after'),
      }),
    );
  }
}
