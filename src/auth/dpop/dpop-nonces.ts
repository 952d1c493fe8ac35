import { Inject, Injectable } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { RefusalReason } from '../refusal-reason.js';
import { UseDpopNonceError } from './dpop-errors.js';

/** A nonce is made for one step and accepted during it and the next: 60 to 120 s. */
export const NONCE_STEP_SECONDS = 60;

/**
 * RFC 9449 9 server nonces (`DPOP_NONCE=true`), stateless: the HMAC-SHA256 of the current time step
 * with `DPOP_NONCE_SECRET`, so every instance with that secret makes and accepts the same ones and
 * none keeps a list. Without DPOP_NONCE, `enabled` is false and nothing is asked of proofs.
 */
@Injectable()
export class DpopNonces {
  private readonly secret: string | undefined;
  /** The last step's nonce, computed once per step rather than per request. */
  private memo = { step: Number.NaN, nonce: '' };

  constructor(@Inject(APP_CONFIG) config: Pick<AppConfig, 'dpop'>) {
    this.secret = config.dpop.nonce?.secret;
  }

  get enabled(): boolean {
    return this.secret !== undefined;
  }

  /** The nonce to hand out now. */
  current(nowSeconds = Date.now() / 1000): string {
    return this.forStep(Math.floor(nowSeconds / NONCE_STEP_SECONDS));
  }

  /** Throws `use_dpop_nonce`, with a fresh nonce, unless `nonce` is this step's or the previous one's. */
  check(nonce: unknown, nowSeconds = Date.now() / 1000): void {
    if (!this.enabled) return;
    const step = Math.floor(nowSeconds / NONCE_STEP_SECONDS);
    if (typeof nonce !== 'string' || nonce === '')
      throw new UseDpopNonceError(
        RefusalReason.DpopNonceMissing,
        'DPoP proof needs a nonce; use the one in DPoP-Nonce',
        this.forStep(step),
      );
    if (!same(nonce, this.forStep(step)) && !same(nonce, this.forStep(step - 1)))
      throw new UseDpopNonceError(
        RefusalReason.DpopNonceStale,
        'DPoP nonce is stale or unknown; use the one in DPoP-Nonce',
        this.forStep(step),
      );
  }

  private forStep(step: number): string {
    if (this.memo.step === step) return this.memo.nonce;
    const nonce = createHmac('sha256', this.secret ?? '')
      .update(`dpop-nonce:${step}`)
      .digest('base64url');
    if (step > this.memo.step || Number.isNaN(this.memo.step)) this.memo = { step, nonce };
    return nonce;
  }
}

function same(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
