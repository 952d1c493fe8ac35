import type { DocumentBuilder } from '@nestjs/swagger';
import { example, header, type ErrorExample } from './error-examples.js';

/**
 * DPoP (RFC 9449) in the OpenAPI document. OpenAPI has no scheme for a token plus a per-request
 * proof, so it is two header schemes required together: `Authorization: DPoP <token>` and `DPoP`.
 */
export const DPOP_SCHEME = 'dpop';
export const DPOP_PROOF_SCHEME = 'dpop-proof';

type SecuritySchemeObject = Parameters<DocumentBuilder['addSecurity']>[1];

export const DPOP_SECURITY_SCHEMES: Record<string, SecuritySchemeObject> = {
  [DPOP_SCHEME]: {
    type: 'apiKey',
    in: 'header',
    name: 'Authorization',
    description:
      'A DPoP-bound Okta access token (its `cnf.jkt` names the key), sent as `DPoP <access token>` together ' +
      `with a \`DPoP\` proof header (\`${DPOP_PROOF_SCHEME}\`). Such a token sent as Bearer is refused.`,
  },
  [DPOP_PROOF_SCHEME]: {
    type: 'apiKey',
    in: 'header',
    name: 'DPoP',
    description:
      'A fresh DPoP proof for every request (RFC 9449 section 4): a JWS with `typ` `dpop+jwt`, `alg` `RS256` ' +
      'or `ES256` and the public `jwk` the token is bound to; claims `jti` (never reused), `htm` (the method), ' +
      '`htu` (the URL without query; its origin is `PUBLIC_URL` when set), `iat` (now), `ath` (base64url ' +
      'SHA-256 of the token) and, when the API sends `DPoP-Nonce`, `nonce`. With the development issuer, ' +
      '`npm run -s dpop-proof -- --key <file> <METHOD> <URL> --token <token>` prints one.',
  },
};

/** The security requirement: both headers at once. */
export const DPOP_REQUIREMENT = { [DPOP_SCHEME]: [], [DPOP_PROOF_SCHEME]: [] };

export const DPOP_CHALLENGES =
  'Without credentials a second challenge, `DPoP algs="RS256 ES256"`, follows the Bearer one. Under the DPoP ' +
  'scheme the challenge is `DPoP algs="RS256 ES256", error="…"`: `invalid_dpop_proof` for a proof that is ' +
  'missing, malformed, reused or does not fit the request, `use_dpop_nonce` when the proof needs a nonce ' +
  '(`DPoP-Nonce` carries it), and the token errors above.';

export const DPOP_NONCE_HEADER = header(
  'With `DPOP_NONCE=true`: the nonce the next DPoP proof must carry (RFC 9449 section 9); sent on every answer ' +
    'to a DPoP request, and with every `use_dpop_nonce`',
);

const UNAUTHORIZED = example(401);

export const DPOP_401_EXAMPLES: [string, ErrorExample][] = [
  [
    'invalid_dpop_proof',
    UNAUTHORIZED(
      'DPoP proof htu is not the request URL',
      'invalid_dpop_proof: the `DPoP` proof is missing, malformed, used before, or does not fit the request',
    ),
  ],
  [
    'use_dpop_nonce',
    UNAUTHORIZED(
      'DPoP proof needs a nonce; use the one in DPoP-Nonce',
      'use_dpop_nonce (`DPOP_NONCE=true`): send the request again with a proof that carries the `DPoP-Nonce` of this answer',
    ),
  ],
  [
    'sender_constrained',
    UNAUTHORIZED('sender-constrained token', 'invalid_token: a DPoP-bound token (`cnf`) sent as Bearer'),
  ],
];
