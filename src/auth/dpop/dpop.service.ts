import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { ReplayMemory } from '../../shared-state/replay-memory.js';
import { countRawHeaders, type RequestParts } from '../bearer-token.js';
import type { Principal } from '../principal.js';
import { RefusalReason } from '../refusal-reason.js';
import { InvalidDpopProofError } from './dpop-errors.js';
import { DpopNonces } from './dpop-nonces.js';
import { PROOF_MAX_AGE_SECONDS, verifyProof, type VerifiedProof } from './dpop-proof.js';
import { requestHtu } from './request-url.js';

/** What a DPoP check reads of the request: its method, headers and request target. */
export type DpopRequest = RequestParts & {
  method: string;
  raw?: { rawHeaders?: readonly string[]; url?: string };
};

/**
 * RFC 9449 for a request under `Authorization: DPoP`: the proof in its one `DPoP` header, checked on
 * every request (a cached token included), then, once the token is verified, that the proof's key
 * is the token's and that the proof was not used before.
 */
@Injectable()
export class DpopService {
  private readonly publicUrl: string | undefined;
  private readonly tolerance: number;
  /** A proof is accepted from `tolerance` before its `iat` to 60 s after: its `jti` is kept as long. */
  private readonly replayWindowSeconds: number;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly nonces: DpopNonces,
    private readonly replay: ReplayMemory,
  ) {
    this.publicUrl = config.dpop.publicUrl;
    this.tolerance = config.okta.clockToleranceSeconds;
    this.replayWindowSeconds = PROOF_MAX_AGE_SECONDS + this.tolerance;
  }

  /** The proof's own rules and the nonce; `accessToken` is the one the proof's `ath` must hash. */
  async checkProof(request: DpopRequest, accessToken: string): Promise<VerifiedProof> {
    const proof = proofHeader(request);
    const nowSeconds = Date.now() / 1000;
    const host = request.headers.host;
    const verified = await verifyProof(proof, {
      method: request.method,
      htu: requestHtu(this.publicUrl, typeof host === 'string' ? host : undefined, request.raw?.url),
      accessToken,
      nowSeconds,
      toleranceSeconds: this.tolerance,
    });
    this.nonces.check(verified.nonce, nowSeconds);
    return verified;
  }

  /** RFC 9449 7.1 and 11.1: the proof's key is the token's (`cnf.jkt`), and its `jti` is new. */
  async confirm(proof: VerifiedProof, principal: Principal): Promise<void> {
    if (principal.dpopJkt !== proof.jkt)
      throw new InvalidDpopProofError(
        RefusalReason.DpopKeyMismatch,
        'DPoP proof key is not the key the token is bound to',
      );
    // Last, once everything else holds: a refused request never uses up a jti.
    const key = `dpop:${proof.jkt}:${proof.jti}`;
    if (!(await this.replay.firstUse(key, this.replayWindowSeconds)))
      throw new InvalidDpopProofError(RefusalReason.DpopReplayed, 'DPoP proof was already used');
  }
}

/** Exactly one `DPoP` field (Node joins repeated ones with a comma: only the raw list tells). */
function proofHeader(request: DpopRequest): string {
  if (countRawHeaders(request, 'dpop') > 1)
    throw new InvalidDpopProofError(RefusalReason.DpopProofRepeated, 'send one DPoP header, not several');
  const proof = request.headers.dpop;
  if (typeof proof !== 'string' || proof.trim() === '')
    throw new InvalidDpopProofError(RefusalReason.DpopProofMissing, 'a DPoP proof header is required');
  return proof.trim();
}
