import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { calculateJwkThumbprint, EmbeddedJWK, errors, jwtVerify, type JWK } from 'jose';
import { DPOP_ALGORITHMS } from '../auth/dpop/dpop-proof.js';
import { normaliseHtu } from '../auth/dpop/request-url.js';
import { LocalReplayMemory } from '../shared-state/replay-memory.js';
import { DevDpopNonces } from './dpop-nonces.js';

/** A proof's `iat` may be this old, and this far in the future (the API's own window). */
const MAX_PROOF_AGE_SECONDS = 60;
const CLOCK_TOLERANCE_SECONDS = 30;

type Outcome =
  | { kind: 'bound'; jkt: string }
  | { kind: 'refused'; error: 'invalid_dpop_proof' | 'use_dpop_nonce'; description: string };

/** What a jose failure means, in the words of the token endpoint's `error_description`. */
const JOSE_FAILURES: Record<string, string> = {
  [errors.JWSSignatureVerificationFailed.code]: 'DPoP proof signature does not verify',
  [errors.JOSEAlgNotAllowed.code]: `DPoP proof alg must be one of ${DPOP_ALGORITHMS.join(', ')}`,
  [errors.JWTExpired.code]: 'DPoP proof iat is too old',
  [errors.JOSENotSupported.code]: 'DPoP proof key or algorithm is not supported',
};

/**
 * RFC 9449 section 5 at the development issuer's token endpoint, as Okta does it: a token request
 * with a `DPoP` header gets a token bound to the proof's key (`cnf.jkt`, `token_type: DPoP`), but
 * only once its proof carries a nonce this issuer handed out; the first request is answered
 * `400 use_dpop_nonce` with a `DPoP-Nonce` header. A request without the header is left alone.
 */
export class DevDpopTokenEndpoint {
  private readonly bound = new WeakMap<IncomingMessage, string>();
  private readonly usedProofs = new LocalReplayMemory();

  constructor(private readonly nonces = new DevDpopNonces()) {}

  /** The thumbprint of the key the token for this request is bound to, if any. */
  boundKey(req: IncomingMessage): string | undefined {
    return this.bound.get(req);
  }

  /** Checks the proof of POSTs to `tokenPath` before `handler` issues the token. */
  wrap(tokenPath: string, handler: RequestListener): RequestListener {
    return (req, res) => {
      const path = (req.url ?? '/').split('?')[0].replace(/(.)\/+$/, '$1');
      const proofs = req.headersDistinct.dpop;
      if (req.method !== 'POST' || path !== tokenPath || proofs === undefined) {
        handler(req, res);
        return;
      }
      this.verify(proofs, req.method, `http://${req.headers.host ?? ''}${tokenPath}`).then(
        (outcome) => {
          if (outcome.kind === 'refused') return this.refuse(res, outcome);
          this.bound.set(req, outcome.jkt);
          handler(req, res);
        },
        () => res.writeHead(500).end(),
      );
    };
  }

  /** The proof of a token request to `htu` (RFC 9449 section 4.3); never throws. */
  async verify(proofs: string[], method: string, htu: string): Promise<Outcome> {
    const invalid = (description: string): Outcome => ({
      kind: 'refused',
      error: 'invalid_dpop_proof',
      description,
    });
    // Node keeps repeated headers apart, but a client may have joined them with a comma.
    if (proofs.length !== 1 || proofs[0].includes(',')) return invalid('send exactly one DPoP header');
    let payload: Record<string, unknown>;
    let jwk: JWK | undefined;
    try {
      ({
        payload,
        protectedHeader: { jwk },
      } = await jwtVerify(proofs[0], EmbeddedJWK, {
        typ: 'dpop+jwt',
        // The API's own algorithms: a token bound here must be usable there.
        algorithms: [...DPOP_ALGORITHMS],
        maxTokenAge: MAX_PROOF_AGE_SECONDS,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['jti', 'htm', 'htu'],
      }));
    } catch (error) {
      return invalid(describeJoseFailure(error));
    }
    if (typeof payload.jti !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(payload.jti))
      return invalid('DPoP proof jti must be a string of 1 to 200 visible characters');
    if (payload.htm !== method) return invalid(`DPoP proof htm must be ${method}`);
    const target = normaliseHtu(payload.htu);
    if (target === undefined || target !== normaliseHtu(htu)) return invalid(`DPoP proof htu must be ${htu}`);
    const jkt = await calculateJwkThumbprint(jwk!, 'sha256');
    if (!this.nonces.accepts(payload.nonce)) {
      return {
        kind: 'refused',
        error: 'use_dpop_nonce',
        description: 'Authorization server requires nonce in DPoP proof.',
      };
    }
    const window = MAX_PROOF_AGE_SECONDS + CLOCK_TOLERANCE_SECONDS * 2;
    if (!(await this.usedProofs.firstUse(`${jkt}:${payload.jti}`, window)))
      return invalid('DPoP proof has been used before (jti)');
    return { kind: 'bound', jkt };
  }

  private refuse(res: ServerResponse, { error, description }: Outcome & { kind: 'refused' }): void {
    res.statusCode = 400;
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.setHeader('cache-control', 'no-store');
    if (error === 'use_dpop_nonce') res.setHeader('DPoP-Nonce', this.nonces.issue());
    res.end(JSON.stringify({ error, error_description: description }));
  }
}

function describeJoseFailure(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return 'DPoP proof could not be checked';
  if (code === errors.JWTClaimValidationFailed.code) {
    const claim = (error as errors.JWTClaimValidationFailed).claim;
    if (claim === 'typ') return 'DPoP proof typ must be dpop+jwt';
    if (claim === 'iat') return 'DPoP proof iat must not be in the future';
    return `DPoP proof claim ${claim} is missing or invalid`;
  }
  return JOSE_FAILURES[code] ?? 'DPoP proof is not a JWS with a public jwk header';
}
