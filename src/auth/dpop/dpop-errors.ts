import { BearerError } from '../bearer-errors.js';
import type { RefusalReason } from '../refusal-reason.js';

/** RFC 9449 7.1: the `DPoP` proof is missing, repeated, malformed or does not fit the request. */
export class InvalidDpopProofError extends BearerError {
  readonly status = 401;
  readonly code = 'invalid_dpop_proof';
}

/** RFC 9449 9: the proof carries no nonce, or one this server no longer accepts; here is a fresh one. */
export class UseDpopNonceError extends BearerError {
  readonly status = 401;
  readonly code = 'use_dpop_nonce';
  override readonly dpopNonce: string;
  constructor(reason: RefusalReason, description: string, nonce: string) {
    super(reason, description);
    this.dpopNonce = nonce;
  }
}
