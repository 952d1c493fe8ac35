import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** How long a nonce the development issuer handed out stays good. */
export const DEV_NONCE_TTL_SECONDS = 300;

/**
 * The development issuer's DPoP nonces (RFC 9449 section 8), stateless: `<issued at>.<HMAC of it>`
 * under a key that lives as long as the process. Any number of requests may carry the same nonce
 * while it is fresh, as with Okta; a stale or forged one is answered with a new one.
 */
export class DevDpopNonces {
  private readonly key = randomBytes(32);

  constructor(private readonly nowMs: () => number = Date.now) {}

  issue(): string {
    const issuedAt = this.nowSeconds().toString(36);
    return `${issuedAt}.${this.mac(issuedAt)}`;
  }

  accepts(nonce: unknown): boolean {
    if (typeof nonce !== 'string') return false;
    const match = /^([0-9a-z]{1,10})\.([\w-]{43})$/.exec(nonce);
    if (match === null) return false;
    const [, issuedAt, mac] = match;
    if (!timingSafeEqual(Buffer.from(mac), Buffer.from(this.mac(issuedAt)))) return false;
    const age = this.nowSeconds() - parseInt(issuedAt, 36);
    return age >= 0 && age <= DEV_NONCE_TTL_SECONDS;
  }

  private mac(issuedAt: string): string {
    return createHmac('sha256', this.key).update(issuedAt).digest('base64url');
  }

  private nowSeconds(): number {
    return Math.floor(this.nowMs() / 1000);
  }
}
