import type { AppConfig } from '../../config/app-config.js';
import { RefusalReason } from '../refusal-reason.js';
import { UseDpopNonceError } from './dpop-errors.js';
import { DpopNonces, NONCE_STEP_SECONDS } from './dpop-nonces.js';

const T = 1_763_712_000; // the start of a step
const config = (secret: string | undefined): Pick<AppConfig, 'dpop'> => ({
  dpop: { publicUrl: undefined, required: false, nonce: secret ? { secret, generated: false } : undefined },
});
const nonces = (secret = 'a'.repeat(32)) => new DpopNonces(config(secret));

function refusal(run: () => void): UseDpopNonceError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UseDpopNonceError);
    return error as UseDpopNonceError;
  }
  throw new Error('expected use_dpop_nonce');
}

describe('DpopNonces', () => {
  it('asks nothing of proofs without DPOP_NONCE', () => {
    const off = new DpopNonces(config(undefined));
    expect(off.enabled).toBe(false);
    expect(() => off.check(undefined, T)).not.toThrow();
  });

  it('makes one nonce per step, the same on every instance with the same secret', () => {
    expect(nonces().current(T)).toBe(nonces().current(T + NONCE_STEP_SECONDS - 1));
    expect(nonces().current(T)).not.toBe(nonces().current(T + NONCE_STEP_SECONDS));
    expect(nonces().current(T)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('accepts the current and the previous step, and nothing older', () => {
    const made = nonces().current(T);
    const checker = nonces();
    expect(() => checker.check(made, T + 1)).not.toThrow();
    expect(() => checker.check(made, T + NONCE_STEP_SECONDS + 59)).not.toThrow();
    const stale = refusal(() => checker.check(made, T + 2 * NONCE_STEP_SECONDS));
    expect(stale.reason).toBe(RefusalReason.DpopNonceStale);
    expect(stale.dpopNonce).toBe(checker.current(T + 2 * NONCE_STEP_SECONDS));
  });

  it('refuses a nonce made with another secret', () => {
    const foreign = nonces('b'.repeat(32)).current(T);
    expect(refusal(() => nonces().check(foreign, T)).reason).toBe(RefusalReason.DpopNonceStale);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['a number', 42],
  ])('refuses a nonce that is %s, with a fresh one', (_case, nonce) => {
    const error = refusal(() => nonces().check(nonce, T));
    expect(error.reason).toBe(RefusalReason.DpopNonceMissing);
    expect(error.dpopNonce).toBe(nonces().current(T));
  });

  it('refuses a nonce of a step not yet reached', () => {
    const early = nonces().current(T + NONCE_STEP_SECONDS);
    expect(refusal(() => nonces().check(early, T)).reason).toBe(RefusalReason.DpopNonceStale);
  });
});
