import { InvalidTokenError } from '../bearer-errors.js';
import { RefusalReason } from '../refusal-reason.js';
import { checkBinding, tokenBinding } from './token-binding.js';

const JKT = '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I';

function refusal(run: () => unknown): InvalidTokenError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidTokenError);
    return error as InvalidTokenError;
  }
  throw new Error('expected invalid_token');
}

describe('tokenBinding', () => {
  it('returns cnf.jkt under DPoP and nothing for an unbound bearer token', () => {
    expect(tokenBinding({ cnf: { jkt: JKT } }, 'dpop')).toBe(JKT);
    expect(tokenBinding({ sub: 'alice' }, 'bearer')).toBeUndefined();
  });

  it.each([
    ['a DPoP binding', { jkt: JKT }],
    ['an mTLS binding', { 'x5t#S256': 'x' }],
    ['null', null],
  ])('refuses any cnf (%s) under Bearer: sender-constrained', (_case, cnf) => {
    const error = refusal(() => tokenBinding({ cnf }, 'bearer'));
    expect(error.reason).toBe(RefusalReason.SenderConstrained);
    expect(error.message).toBe('sender-constrained token');
  });

  it.each([
    ['no cnf', {}],
    ['an mTLS binding', { cnf: { 'x5t#S256': 'x' } }],
    ['an empty jkt', { cnf: { jkt: '' } }],
    ['a jkt that is no string', { cnf: { jkt: 42 } }],
    ['cnf a string', { cnf: JKT }],
  ])('refuses a token with %s under DPoP: not bound', (_case, claims) => {
    const error = refusal(() => tokenBinding(claims, 'dpop'));
    expect(error.reason).toBe(RefusalReason.NotDpopBound);
  });
});

describe('checkBinding (a cached token)', () => {
  it('refuses a DPoP-bound token under Bearer and an unbound one under DPoP', () => {
    expect(refusal(() => checkBinding(JKT, 'bearer')).reason).toBe(RefusalReason.SenderConstrained);
    expect(refusal(() => checkBinding(undefined, 'dpop')).reason).toBe(RefusalReason.NotDpopBound);
  });

  it('accepts each under its own scheme', () => {
    expect(() => checkBinding(JKT, 'dpop')).not.toThrow();
    expect(() => checkBinding(undefined, 'bearer')).not.toThrow();
  });
});
